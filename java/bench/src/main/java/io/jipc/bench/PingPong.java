package io.jipc.bench;

import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;
import io.jipc.Message;
import io.jipc.UdpType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ping-pong round-trip benchmark (client side).
 *
 * <p>The next {@code ping} is emitted from inside the {@code pong} handler, which runs on the client's I/O thread,
 * so a round trip costs no thread hand-off on the client. Each round trip is timed from just before
 * {@code emit} to the start of the handler receiving the reply, into a preallocated {@code long[]}; the main
 * thread only waits on a latch.
 *
 * <p>Over UDP, which has no client in node-ipc, this side is a UDP4 server on its own port that emits {@code ping}
 * to the server's address ({@link IpcServer#emit(InetSocketAddress, String, Object)}); the {@code pong} arrives as
 * an event on it and its handler, on the I/O thread, emits the next ping. A lost datagram would stall the run; it
 * fails after {@value #STALL_SECONDS} s without a reply. Over TLS the client presents a certificate (mutual
 * authentication) and the result line says {@code auth=mutual}.
 */
final class PingPong {
    /** A run with no reply for this long fails. */
    static final int STALL_SECONDS = 20;

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

    /** Sends one ping (from the main thread for the first, then from the reply handler on the I/O thread). */
    @FunctionalInterface
    private interface Pinger {
        void ping(String payload);
    }

    /** Round-trip state, touched only by the client's I/O thread once the first ping went out. */
    private static final class Driver {
        final Pinger pinger;
        final String payload;
        final long[] rtt;
        final int warmup;
        final int total;
        final CountDownLatch done = new CountDownLatch(1);
        /** Round trips done, published cheaply (release store) for the main thread's stall check. */
        final AtomicInteger progress = new AtomicInteger();
        int n;
        long start;
        long t0;
        long t1;
        volatile Message last;
        volatile String failure;

        Driver(Pinger pinger, String payload, int iters, int warmup) {
            this.pinger = pinger;
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
            pinger.ping(payload);
        }

        void onPong(Message m) {
            long now = System.nanoTime();
            int k = n++;
            if (k >= warmup) {
                rtt[k - warmup] = now - start;
            }
            progress.lazySet(n);
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
        if (ep.udp()) {
            runUdp(server, payload);
            return;
        }
        try (Ipc ipc = Ipc.create(ep.clientConfig())) {
            IpcClient client = ep.connect(ipc);
            Driver d = new Driver(p -> client.emit("ping", p), payload, iters, warmup);
            client.on("pong", d::onPong);
            client.on("error", m -> d.fail("client error: " + m.asText()));
            client.on("disconnect", () -> d.fail("disconnected before the run finished"));
            Bench.awaitConnected(client);
            measure(server, d);
            client.off("disconnect");
            client.disconnect().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * UDP has no client: this side is a UDP4 server on its own port of 127.0.0.1 that emits {@code ping} to the
     * server's address; the server's reply arrives as an event on it, whose handler emits the next ping.
     */
    private void runUdp(ServerHandle server, String payload) throws Exception {
        Endpoint ep = server.endpoint();
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(Endpoint.HOST), ep.port());
        try (Ipc ipc = Ipc.create(IpcConfig.defaults().id("jipcbench-client").flushTimeout(Duration.ofSeconds(30))
                .busyPoll(Endpoint.busyPoll())
                .wire(Endpoint.wire()))) {
            IpcServer self = ipc.serveNet(Endpoint.HOST, 0, UdpType.UDP4);
            Driver d = new Driver(p -> self.emit(target, "ping", p), payload, iters, warmup);
            self.on("pong", (m, socket) -> d.onPong(m));
            self.on("error", (m, socket) -> d.fail("udp error: " + m.asText()));
            self.start();
            measure(server, d);
        }
    }

    private void measure(ServerHandle server, Driver d) throws Exception {
        Endpoint ep = server.endpoint();
        int frame = Endpoint.frameBytes("ping", size);
        // the first ping leaves from this thread; every later one from the I/O thread
        d.send();
        long limitNs = TimeUnit.SECONDS.toNanos(Math.max(120, (long) d.total / 2000));
        long began = System.nanoTime();
        long lastMove = began;
        int seen = 0;
        while (!d.done.await(1, TimeUnit.SECONDS)) {
            long now = System.nanoTime();
            int p = d.progress.get();
            if (p != seen) {
                seen = p;
                lastMove = now;
            } else if (now - lastMove > TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
                throw new IllegalStateException("pingpong: no reply for " + STALL_SECONDS + " s after " + p
                        + " round trips" + (ep.udp() ? " (a lost datagram?)" : ""));
            }
            if (now - began > limitNs) {
                throw new IllegalStateException("pingpong: no result after " + (limitNs / 1_000_000_000L) + " s ("
                        + p + " round trips done)");
            }
        }
        if (d.failure != null) {
            throw new IllegalStateException("pingpong failed after " + d.progress.get() + " round trips: "
                    + d.failure);
        }
        if (!d.payload.equals(d.last.asText())) {
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
        String auth = (ep.tls() ? " auth=" + Endpoint.TLS_AUTH : "") + Endpoint.busyPollLabel();
        String authJson = (ep.tls() ? ",\"tlsAuth\":\"" + Endpoint.TLS_AUTH + "\"" : "")
                + ",\"busyPollUs\":" + Endpoint.busyPoll().toNanos() / 1000;
        System.out.printf(Locale.ROOT, "jipc pingpong %s size=%d frame=%dB jvms=%d%s iters=%d: median=%.2f us "
                + "p99=%.2f us p99.9=%.2f us mean=%.2f us rt/s=%.0f%n", t, size, frame, server.jvms(), auth, iters,
                median, p99, p999, mean, rts);
        System.out.printf(Locale.ROOT, "{\"bench\":\"jipc\",\"mode\":\"pingpong\",\"transport\":\"%s\"%s,"
                + "\"size\":%d,\"frameBytes\":%d,\"jvms\":%d,\"iters\":%d,\"warmup\":%d,\"medianUs\":%.2f,"
                + "\"p99Us\":%.2f,\"p999Us\":%.2f,\"meanUs\":%.2f,\"rtPerSec\":%.0f}%n", t, authJson, size,
                frame, server.jvms(), iters, warmup, median, p99, p999, mean, rts);
    }
}
