package io.jipc.bench;

import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.Message;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ping-pong round-trip benchmark (client side).
 *
 * <p>The next {@code ping} is emitted from inside the {@code pong} handler, which runs on the client's I/O thread,
 * so a round trip costs no thread hand-off on the client. Each round trip is timed from just before
 * {@code emit} to the start of the handler receiving the reply, into a preallocated {@code long[]}; the main
 * thread only waits on a latch.
 */
final class PingPong {
    private final int iters;
    private final int warmup;
    private final int size;

    /**
     * @param iters measured round trips
     * @param warmup round trips before measuring
     * @param size payload characters
     */
    PingPong(int iters, int warmup, int size) {
        if (iters < 1 || warmup < 0 || size < 0) {
            throw new IllegalArgumentException("pingpong: iters must be >= 1, warmup and size >= 0");
        }
        this.iters = iters;
        this.warmup = warmup;
        this.size = size;
    }

    /** Round-trip state, touched only by the client's I/O thread once the first ping went out. */
    private static final class Driver {
        final IpcClient client;
        final String payload;
        final long[] rtt;
        final int warmup;
        final int total;
        final CountDownLatch done = new CountDownLatch(1);
        int n;
        long start;
        long t0;
        long t1;
        volatile Message last;
        volatile String failure;

        Driver(IpcClient client, String payload, int iters, int warmup) {
            this.client = client;
            this.payload = payload;
            this.rtt = new long[iters];
            this.warmup = warmup;
            this.total = iters + warmup;
        }

        void send() {
            long s = System.nanoTime();
            if (n == warmup) {
                t0 = s;
            }
            start = s;
            client.emit("ping", payload);
        }

        void onPong(Message m) {
            long now = System.nanoTime();
            int k = n++;
            if (k >= warmup) {
                rtt[k - warmup] = now - start;
            }
            if (n < total) {
                send();
            } else {
                t1 = now;
                last = m;
                done.countDown();
            }
        }

        void fail(String why) {
            if (done.getCount() > 0) {
                failure = why;
                done.countDown();
            }
        }
    }

    /**
     * Runs against a server and prints the result line and a JSON line.
     *
     * @param server the running server
     * @throws Exception when the run fails or times out
     */
    void run(ServerHandle server) throws Exception {
        Endpoint ep = server.endpoint();
        String payload = "x".repeat(size);
        int frame = Endpoint.frameBytes("ping", size);
        try (Ipc ipc = Ipc.create(ep.clientConfig())) {
            IpcClient client = ep.connect(ipc);
            Driver d = new Driver(client, payload, iters, warmup);
            client.on("pong", d::onPong);
            client.on("error", m -> d.fail("client error: " + m.asText()));
            client.on("disconnect", () -> d.fail("disconnected before the run finished"));
            Bench.awaitConnected(client);
            // the first ping leaves from this thread; every later one from the I/O thread
            d.send();
            long limitSec = Math.max(120, (long) d.total / 2000);
            if (!d.done.await(limitSec, TimeUnit.SECONDS)) {
                throw new IllegalStateException("pingpong: no result after " + limitSec + " s (" + d.n
                        + " round trips done)");
            }
            if (d.failure != null) {
                throw new IllegalStateException("pingpong failed after " + d.n + " round trips: " + d.failure);
            }
            if (!payload.equals(d.last.asText())) {
                throw new IllegalStateException("pingpong: the echoed data differs from what was sent");
            }
            long[] rtt = d.rtt;
            Arrays.sort(rtt);
            double el = d.t1 - d.t0;
            double median = rtt[iters / 2] / 1e3;
            double p99 = rtt[(int) (iters * 0.99)] / 1e3;
            double p999 = rtt[(int) (iters * 0.999)] / 1e3;
            double mean = el / iters / 1e3;
            double rts = iters / (el / 1e9);
            String t = ep.transport();
            System.out.printf(Locale.ROOT, "jipc pingpong %s size=%d frame=%dB jvms=%d iters=%d: median=%.2f us "
                    + "p99=%.2f us p99.9=%.2f us mean=%.2f us rt/s=%.0f%n", t, size, frame, server.jvms(), iters,
                    median, p99, p999, mean, rts);
            System.out.printf(Locale.ROOT, "{\"bench\":\"jipc\",\"mode\":\"pingpong\",\"transport\":\"%s\","
                    + "\"size\":%d,\"frameBytes\":%d,\"jvms\":%d,\"iters\":%d,\"warmup\":%d,\"medianUs\":%.2f,"
                    + "\"p99Us\":%.2f,\"p999Us\":%.2f,\"meanUs\":%.2f,\"rtPerSec\":%.0f}%n", t, size, frame,
                    server.jvms(), iters, warmup, median, p99, p999, mean, rts);
            client.off("disconnect");
            client.disconnect().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
