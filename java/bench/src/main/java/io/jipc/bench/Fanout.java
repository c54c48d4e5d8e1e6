package io.jipc.bench;

import io.jipc.IpcException;
import io.jipc.IpcServer;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Broadcast fan-out: one jipc server, {@code clients} connections ({@link RawReaders}, one thread), the server
 * broadcasting {@code msgs} frames of {@code size} characters. Deliveries/s = clients × msgs / (first broadcast to
 * the moment every connection has every frame). The driver keeps at most {@code window} broadcasts ahead of the
 * slowest reader, so the run measures throughput, not queue growth (the server's default high-water mark would fail
 * a broadcast to a reader that far behind). A warm-up run of {@code msgs / 5} goes first.
 *
 * <p>Server, readers and driver share one JVM: the server's I/O thread, the readers' thread and the driver.
 */
final class Fanout {
    private final int clients;
    private final long msgs;
    private final int size;
    private final int window;

    /**
     * @param clients connections
     * @param msgs broadcasts in the measured run
     * @param size payload characters
     * @param window most broadcasts ahead of the slowest reader
     */
    Fanout(int clients, long msgs, int size, int window) {
        if (clients < 1 || msgs < 1 || size < 0 || window < 1) {
            throw new IllegalArgumentException("broadcast: clients, msgs and window must be >= 1, size >= 0");
        }
        this.clients = clients;
        this.msgs = msgs;
        this.size = size;
        this.window = window;
    }

    /**
     * Runs the warm-up and the measured run on a server of the given transport in this JVM; prints the result.
     *
     * @param transport uds or tcp
     * @throws Exception when the run fails
     */
    void run(String transport) throws Exception {
        try (ServerHandle handle = ServerHandle.start(transport, true)) {
            Endpoint ep = handle.endpoint();
            IpcServer server = handle.server();
            SocketAddress address = server.address();
            try (RawReaders readers = new RawReaders(address, clients, (byte) 0x0C)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (server.sockets().size() < clients) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("only " + server.sockets().size() + " of " + clients
                                + " connections accepted within 30 s");
                    }
                    Thread.sleep(5);
                }
                String payload = "x".repeat(size);
                long done = 0;
                done = flood(server, readers, payload, Math.max(1, msgs / 5), done);
                long start = System.nanoTime();
                flood(server, readers, payload, msgs, done);
                long nanos = System.nanoTime() - start;
                double secs = nanos / 1e9;
                double deliveries = (double) clients * msgs / secs;
                int frame = Endpoint.frameBytes("message", size);
                String jvm = "1 JVM";
                System.out.println(String.format(Locale.ROOT,
                        "jipc broadcast %s clients=%d msgs=%d size=%d frame=%d window=%d (%s): %.0f deliveries/s"
                                + " %.1f MB/s %.0f broadcasts/s",
                        ep.transport(), clients, msgs, size, frame, window, jvm, deliveries,
                        deliveries * frame / 1e6, msgs / secs));
                System.out.println(String.format(Locale.ROOT,
                        "{\"bench\":\"broadcast\",\"system\":\"jipc\",\"transport\":\"%s\",\"clients\":%d,\"msgs\":%d,"
                                + "\"size\":%d,\"frame\":%d,\"deliveries_per_s\":%.0f,\"mb_per_s\":%.2f}",
                        ep.transport(), clients, msgs, size, frame, deliveries, deliveries * frame / 1e6));
            }
        }
    }

    /** Broadcasts {@code n} frames, never more than {@code window} ahead of the slowest reader; waits for all. */
    private long flood(IpcServer server, RawReaders readers, String payload, long n, long base) throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (long i = 0; i < n; i++) {
            while (base + i - readers.minFrames() >= window) {
                // park, not spin: on a 2-core machine a spinning driver takes the core the server needs
                LockSupport.parkNanos(20_000);
                check(failed);
            }
            server.broadcast("message", payload).whenComplete((v, e) -> {
                if (e != null) {
                    failed.compareAndSet(null, e);
                }
            });
        }
        long target = base + n;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (readers.minFrames() < target) {
            check(failed);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("readers got " + readers.minFrames() + " of " + target
                        + " frames within 120 s");
            }
            LockSupport.parkNanos(20_000);
        }
        check(failed);
        return target;
    }

    private static void check(AtomicReference<Throwable> failed) throws IOException {
        Throwable e = failed.get();
        if (e != null) {
            Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new IOException("a broadcast failed: " + (c instanceof IpcException ? ((IpcException) c).code()
                    + " " : "") + c.getMessage(), c);
        }
    }
}
