package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many connections, one after another and all at once (Unix socket): file descriptors and jipc threads return to
 * their baseline, every connection is seen by the server, and no error event occurs.
 */
class LoadTest {
    /** Connect/disconnect cycles; the figure in README is {@code -Djipc.load.cycles=10000} (the default). */
    private static final int CYCLES = Integer.getInteger("jipc.load.cycles", 10_000);
    /** Clients connected at once. */
    private static final int CONCURRENT = Integer.getInteger("jipc.load.clients", 1_000);
    private static final int CYCLE_THREADS = 4;
    private static final int CLIENT_IPCS = 4;

    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger gone = new AtomicInteger();

    static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    static long jipcThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("jipc-io") && t.isAlive()).count();
    }

    /** Waits for a condition (not a timing assertion: the deadline only bounds a hang). */
    static void await(BooleanSupplier done, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    /** Descriptors may be held a moment by the JVM (class loading, unrelated streams awaiting GC): settle first. */
    static void assertFdsAtMost(long baseline, String when) throws Exception {
        long now = openFds();
        for (int i = 0; i < 100 && now > baseline; i++) {
            System.gc();
            Thread.sleep(20);
            now = openFds();
        }
        assertTrue(now <= baseline, "file descriptors " + when + ": " + baseline + " before, " + now + " after");
    }

    private IpcServer startServer(Ipc world) {
        IpcServer server = world.serve();
        server.on("ping", (d, s) -> s.emit("pong", d));
        server.on("connect", (d, s) -> accepted.incrementAndGet());
        server.on("socket.disconnected", (d, s) -> gone.incrementAndGet());
        server.on("error", (d, s) -> errors.add("server: " + d.error().map(Throwable::toString).orElse("?")));
        server.start();
        return server;
    }

    private static String pathOf(IpcServer server) {
        return ((java.net.UnixDomainSocketAddress) server.address()).getPath().toString();
    }

    /**
     * One cycle: connect, one request and its reply (so the server has accepted the connection; a client that only
     * waited for {@code connect} could close while still in the listen queue and outrun the server until the kernel
     * refuses connects with EAGAIN), disconnect, wait until closed.
     */
    private void cycle(Ipc hello, String id, String path) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        IpcClient client = hello.connectTo(id, path, c -> {
            c.on("pong", d -> reply.complete(d.asText()));
            c.on("error", d -> errors.add(id + ": " + d.error().map(Throwable::toString).orElse("?")));
        });
        client.emit("ping", id); // buffered while connecting
        assertEquals(id, reply.get(30, TimeUnit.SECONDS));
        hello.disconnect(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Loads classes and opens the jars they come from once, so the baselines below hold only jipc's share. */
    @BeforeAll
    static void warmUp() throws Exception {
        long before = jipcThreads();
        String root = Net.tempSocketRoot();
        try (Ipc world = Ipc.create(Net.config("world", root)); Ipc hello = Ipc.create(Net.config("hello", root))) {
            IpcServer server = world.serve();
            server.on("ping", (d, s) -> s.emit("pong", d));
            server.start();
            CompletableFuture<String> reply = new CompletableFuture<>();
            hello.connectTo("world", c -> c.on("pong", d -> reply.complete(d.asText())));
            hello.of("world").emit("ping", "warm");
            assertEquals("warm", reply.get(30, TimeUnit.SECONDS));
        }
        await(() -> jipcThreads() <= before, () -> "warm-up threads still alive");
        Files.deleteIfExists(Path.of(root));
    }

    @Test
    void shouldReturnToBaselineAfterManyConnectDisconnectCycles() throws Exception {
        assertTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
        String root = Net.tempSocketRoot();
        long fds0 = openFds();
        long threads0 = jipcThreads();
        try (Ipc world = Ipc.create(Net.config("world", root).maxConnections(2000));
                Ipc hello = Ipc.create(Net.config("hello", root))) {
            IpcServer server = startServer(world);
            String path = pathOf(server);
            cycle(hello, "warm", path); // loads classes, starts the client's I/O thread
            await(() -> gone.get() == 1, () -> "warm-up connection not closed on the server");
            long fds1 = openFds();
            long threads1 = jipcThreads();
            ExecutorService pool = Executors.newFixedThreadPool(CYCLE_THREADS);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int t = 0; t < CYCLE_THREADS; t++) {
                    String id = "c" + t;
                    int n = CYCLES / CYCLE_THREADS + (t < CYCLES % CYCLE_THREADS ? 1 : 0);
                    runs.add(pool.submit(() -> {
                        for (int i = 0; i < n; i++) {
                            cycle(hello, id, path);
                        }
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get(10, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            await(() -> gone.get() == CYCLES + 1,
                    () -> "the server saw " + gone.get() + " of " + (CYCLES + 1) + " disconnects");
            assertEquals(CYCLES + 1, accepted.get(), "connections accepted by the server");
            assertEquals(0, server.sockets().size(), "sockets still held by the server");
            assertEquals(List.of(), List.copyOf(errors), "error events");
            long threadsNow = jipcThreads();
            assertTrue(threadsNow <= threads1, "jipc threads while both instances are open: " + threads1
                    + " before the cycles, " + threadsNow + " after");
            assertFdsAtMost(fds1, "leaked over " + CYCLES + " connect/disconnect cycles");
        }
        await(() -> jipcThreads() <= threads0, () -> "jipc I/O threads still alive after close");
        assertFdsAtMost(fds0, "left after close");
        Files.deleteIfExists(Path.of(root));
    }

    @Test
    void shouldServeAThousandClientsAtOnceAndReturnToBaseline() throws Exception {
        assertTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
        String root = Net.tempSocketRoot();
        long fds0 = openFds();
        long threads0 = jipcThreads();
        List<Ipc> clients = new ArrayList<>();
        try (Ipc world = Ipc.create(Net.config("world", root).maxConnections(CONCURRENT + 10))) {
            IpcServer server = startServer(world);
            String path = pathOf(server);
            for (int i = 0; i < CLIENT_IPCS; i++) {
                clients.add(Ipc.create(Net.config("hello" + i, root)));
            }
            ConcurrentLinkedQueue<String> pongs = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<Void>> wave = new ArrayList<>();
            // connect in waves of 100 (the listen backlog is 511), keeping every earlier client connected
            for (int i = 0; i < CONCURRENT; i++) {
                String id = "c" + i;
                CompletableFuture<Void> connected = new CompletableFuture<>();
                wave.add(connected);
                clients.get(i % CLIENT_IPCS).connectTo(id, path, c -> {
                    c.on("connect", () -> connected.complete(null));
                    c.on("pong", d -> pongs.add(d.asText()));
                    c.on("error", d -> errors.add(id + ": " + d.error().map(Throwable::toString).orElse("?")));
                });
                if (wave.size() == 100 || i == CONCURRENT - 1) {
                    CompletableFuture.allOf(wave.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
                    wave.clear();
                }
            }
            await(() -> server.sockets().size() == CONCURRENT,
                    () -> "the server holds " + server.sockets().size() + " of " + CONCURRENT + " connections");
            for (int i = 0; i < CONCURRENT; i++) {
                clients.get(i % CLIENT_IPCS).of("c" + i).emit("ping", "c" + i);
            }
            await(() -> pongs.size() == CONCURRENT, () -> pongs.size() + " of " + CONCURRENT + " replies");
            assertEquals(CONCURRENT, new java.util.HashSet<>(pongs).size(), "every client got its own reply");
            assertEquals(CONCURRENT, accepted.get(), "connections accepted by the server");
            for (Ipc c : clients) {
                c.close();
            }
            await(() -> gone.get() == CONCURRENT,
                    () -> "the server saw " + gone.get() + " of " + CONCURRENT + " disconnects");
            assertEquals(0, server.sockets().size(), "sockets still held by the server");
            assertEquals(List.of(), List.copyOf(errors), "error events");
        } finally {
            clients.forEach(Ipc::close);
        }
        await(() -> jipcThreads() <= threads0, () -> "jipc I/O threads still alive after close");
        assertFdsAtMost(fds0, "left after 1,000 concurrent clients");
        Files.deleteIfExists(Path.of(root));
    }
}
