package io.jipc.bench;

import io.jipc.Ipc;
import io.jipc.IpcClient;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One-way stream benchmark (client side).
 *
 * <p>The main thread (not the I/O thread) emits {@code msgs} {@code msg} events as fast as it can; the server
 * counts them and emits {@code done} after the last one. The time runs from the first emit to {@code done}.
 * A warm-up run of {@code msgs / 5} precedes the measured run, on the same connection.
 *
 * <p>The client uses {@code Backpressure.BLOCK}, so a flood blocks the emitting thread at the high-water mark (8 MiB)
 * instead of failing. On top of that the client keeps at most {@code window} messages not yet written to the
 * kernel: it holds the future of every {@value #CHECKPOINT}th emit and joins the oldest when more than {@code window / CHECKPOINT} are
 * pending. {@code window = 0} removes that throttle (then only the high-water mark bounds the queue). Either way the largest number of
 * emitted-but-unwritten messages seen ({@code maxQueued}, sampled at each checkpoint) and the peak heap use are
 * reported.
 */
final class StreamBench {
    /** Every CHECKPOINT-th emit's future is kept (in-order completion means all earlier ones are written too). */
    static final int CHECKPOINT = 1024;

    private final long msgs;
    private final int size;
    private final int window;

    /**
     * @param msgs messages in the measured run
     * @param size payload characters
     * @param window most messages emitted but not yet written to the kernel (0: unthrottled)
     */
    StreamBench(long msgs, int size, int window) {
        if (msgs < 1 || size < 0 || window < 0) {
            throw new IllegalArgumentException("stream: msgs must be >= 1, size and window >= 0");
        }
        this.msgs = msgs;
        this.size = size;
        this.window = window;
    }

    /** Result of one run. */
    private static final class Run {
        long nanos;
        long maxQueued;
        long peakHeap;
    }

    /**
     * Runs the warm-up and the measured run, printing the result line and a JSON line.
     *
     * @param server the running server
     * @throws Exception when a run fails or times out
     */
    void run(ServerHandle server) throws Exception {
        Endpoint ep = server.endpoint();
        String payload = "x".repeat(size);
        int frame = Endpoint.frameBytes("msg", size);
        try (Ipc ipc = Ipc.create(ep.clientConfig())) {
            IpcClient client = ep.connect(ipc);
            AtomicLong doneAt = new AtomicLong();
            CountDownLatch[] latch = {null};
            String[] failure = {null};
            client.on("done", m -> {
                doneAt.set(System.nanoTime());
                latch[0].countDown();
            });
            client.on("error", m -> {
                failure[0] = "client error: " + m.asText();
                CountDownLatch l = latch[0];
                if (l != null) {
                    l.countDown();
                }
            });
            Bench.awaitConnected(client);
            long warm = Math.max(1, msgs / 5);
            once(client, payload, warm, latch, doneAt, failure);
            Run r = once(client, payload, msgs, latch, doneAt, failure);
            double el = r.nanos / 1e9;
            double rate = msgs / el;
            double mb = msgs * (double) frame / el / 1e6;
            String t = ep.transport();
            System.out.printf(Locale.ROOT, "jipc stream %s msgs=%d size=%d frame=%dB window=%d jvms=%d%s: %.3f s  "
                    + "%.0f msgs/s  %.1f MB/s (frames incl. delimiter) maxQueued=%d peakHeap=%dMB%n", t, msgs, size,
                    frame, window, server.jvms(), Endpoint.busyPollLabel(), el, rate, mb, r.maxQueued,
                    r.peakHeap >> 20);
            System.out.printf(Locale.ROOT, "{\"bench\":\"jipc\",\"mode\":\"stream\",\"transport\":\"%s\","
                    + "\"msgs\":%d,\"size\":%d,\"frameBytes\":%d,\"window\":%d,\"jvms\":%d,\"seconds\":%.3f,"
                    + "\"msgsPerSec\":%.0f,\"mbPerSec\":%.1f,\"maxQueued\":%d,\"peakHeapMB\":%d}%n", t, msgs, size,
                    frame, window, server.jvms(), el, rate, mb, r.maxQueued, r.peakHeap >> 20);
            client.disconnect().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    private Run once(IpcClient client, String payload, long n, CountDownLatch[] latch, AtomicLong doneAt,
            String[] failure) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        latch[0] = done;
        // frames go out in order on one connection, so 'begin' reaches the server before the first 'msg'
        client.emit("begin", n);
        Runtime rt = Runtime.getRuntime();
        Run r = new Run();
        AtomicLong written = new AtomicLong();
        ArrayDeque<CompletableFuture<Void>> pending = new ArrayDeque<>();
        int maxPending = window == 0 ? Integer.MAX_VALUE : Math.max(1, window / CHECKPOINT);
        long t0 = System.nanoTime();
        for (long i = 1; i <= n; i++) {
            CompletionStage<Void> sent = client.emit("msg", payload);
            if (i % CHECKPOINT == 0 || i == n) {
                CompletableFuture<Void> f = sent.toCompletableFuture();
                final long upTo = i;
                f.thenRun(() -> written.accumulateAndGet(upTo, Math::max));
                long queued = i - written.get();
                if (queued > r.maxQueued) {
                    r.maxQueued = queued;
                }
                if ((i & 0xFFFF) == 0) {
                    long used = rt.totalMemory() - rt.freeMemory();
                    if (used > r.peakHeap) {
                        r.peakHeap = used;
                    }
                }
                if (window != 0) {
                    pending.add(f);
                    while (pending.size() > maxPending) {
                        pending.poll().join(); // fails fast if the connection broke
                    }
                } else if (f.isCompletedExceptionally()) {
                    f.join();
                }
            }
        }
        long limitSec = Math.max(120, n / 10_000);
        if (!done.await(limitSec, TimeUnit.SECONDS)) {
            throw new IllegalStateException("stream: no 'done' after " + limitSec + " s");
        }
        if (failure[0] != null) {
            throw new IllegalStateException("stream failed: " + failure[0]);
        }
        r.nanos = doneAt.get() - t0;
        return r;
    }
}
