package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The per-connection high-water mark: a peer that stops reading never makes the writer's queue grow past
 * {@code highWaterMarkBytes} (plus one frame), whatever the policy, and nothing accepted is lost.
 */
class BackpressureTest {
    private static final long MARK = 1024 * 1024;
    private static final String PAD = "x".repeat(16 * 1024);
    /** Bound on a frame's size: the pad plus the envelope. */
    private static final long FRAME = PAD.length() + 100;
    /** 128 MiB of frames: far more than any kernel socket buffer holds. */
    private static final int MAX_FRAMES = 8192;

    enum Kind { UNIX, TCP, TLS }

    private final List<Ipc> open = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeAll() {
        release.countDown();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    private static Object seq(int n) {
        return Map.of("n", n, "pad", PAD);
    }

    private static IpcException failure(CompletableFuture<Void> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof IpcException, e.getCause().toString());
            return (IpcException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return null;
    }

    /**
     * A server whose I/O thread is held in the "stall" handler until {@link #release}: it reads nothing, so its
     * kernel buffers fill and the client's queue grows. Received "seq" numbers go to {@code got}.
     */
    private IpcClient clientOfStalledServer(Kind kind, IpcConfig clientConfig, BlockingQueue<Integer> got) {
        String root = Net.tempSocketRoot();
        IpcConfig sc = Net.config("world", root);
        if (kind == Kind.TLS) {
            sc.tls(TlsTest.serverTls());
            clientConfig.tls(TlsTest.clientTls());
        }
        clientConfig.socketRoot(root);
        IpcServer server = kind == Kind.UNIX ? ipc(sc).serve() : ipc(sc).serveNet("127.0.0.1", 0);
        server.on("stall", (d, s) -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.on("seq", (d, s) -> got.add(d.json().get("n").asInt()));
        server.start();
        Ipc hello = ipc(clientConfig);
        CountDownLatch connected = new CountDownLatch(1);
        IpcClient client = kind == Kind.UNIX
                ? hello.connectTo("world", c -> c.on("connect", connected::countDown))
                : hello.connectToNet("world", "127.0.0.1", Net.port(server), c -> c.on("connect",
                        connected::countDown));
        try {
            assertTrue(connected.await(10, TimeUnit.SECONDS), "client did not connect");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        client.emit("stall");
        return client;
    }

    private static void assertBounded(long pending) {
        assertTrue(pending <= MARK + FRAME, "queued " + pending + " bytes, over the mark " + MARK + " + one frame");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldFailEmitsWithEbackpressureWhenThePeerStopsReading(Kind kind) throws Exception {
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        IpcClient client = clientOfStalledServer(kind, Net.config("hello", "/tmp/").highWaterMarkBytes(MARK), got);
        List<CompletableFuture<Void>> accepted = new ArrayList<>();
        IpcException full = null;
        for (int i = 0; i < MAX_FRAMES && full == null; i++) {
            CompletableFuture<Void> f = client.emit("seq", seq(i)).toCompletableFuture();
            assertBounded(client.pendingBytes());
            if (f.isCompletedExceptionally()) {
                full = failure(f);
            } else {
                accepted.add(f);
            }
        }
        assertNotNull(full, "no emit failed although the server read nothing for " + MAX_FRAMES + " frames");
        assertEquals("EBACKPRESSURE", full.code(), full.getMessage());
        assertTrue(full.getMessage().contains("highWaterMarkBytes " + MARK), full.getMessage());

        release.countDown(); // the server reads again: everything accepted arrives, in order, exactly once
        for (int i = 0; i < accepted.size(); i++) {
            assertEquals(i, got.poll(10, TimeUnit.SECONDS));
        }
        for (CompletableFuture<Void> f : accepted) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(0, client.pendingBytes());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldDropTheOldestQueuedFramesWhenConfigured(Kind kind) throws Exception {
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        IpcClient client = clientOfStalledServer(kind, Net.config("hello", "/tmp/").highWaterMarkBytes(MARK)
                .backpressure(Backpressure.DROP_OLDEST), got);
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        int n = 4096; // 64 MiB
        for (int i = 0; i < n; i++) {
            stages.add(client.emit("seq", seq(i)).toCompletableFuture());
            assertBounded(client.pendingBytes());
        }
        assertTrue(!stages.get(n - 1).isCompletedExceptionally(), "the newest frame was refused");
        release.countDown();
        List<Integer> delivered = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            IpcException e = failure(stages.get(i));
            if (e == null) {
                delivered.add(i);
            } else {
                dropped++;
                assertEquals("EBACKPRESSURE", e.code(), e.getMessage());
                assertTrue(e.getMessage().contains("dropped"), e.getMessage());
            }
        }
        assertTrue(dropped > 0, "nothing was dropped although the server read nothing");
        for (int expected : delivered) {
            assertEquals(expected, got.poll(10, TimeUnit.SECONDS), "frames written arrive in order, once");
        }
        assertEquals(n - 1, delivered.get(delivered.size() - 1));
    }

    @Test
    void shouldBlockTheEmittingThreadUntilThePeerReadsAgain() throws Exception {
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        IpcClient client = clientOfStalledServer(Kind.UNIX, Net.config("hello", "/tmp/").highWaterMarkBytes(MARK)
                .backpressure(Backpressure.BLOCK), got);
        int n = 4096;
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        AtomicReference<Throwable> crashed = new AtomicReference<>();
        Thread emitter = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    stages.add(client.emit("seq", seq(i)).toCompletableFuture());
                }
            } catch (Throwable t) {
                crashed.set(t);
            }
        }, "emitter");
        emitter.start();
        for (int i = 0; i < 1000 && emitter.getState() != Thread.State.WAITING; i++) {
            assertTrue(emitter.isAlive(), "the emitter sent all " + n + " frames without blocking");
            Thread.sleep(10); // hang guard only: waits for the emitter to block
        }
        assertEquals(Thread.State.WAITING, emitter.getState());
        assertBounded(client.pendingBytes());
        release.countDown();
        emitter.join(60_000);
        assertTrue(!emitter.isAlive() && crashed.get() == null, "emitter: " + crashed.get());
        for (int i = 0; i < n; i++) {
            assertEquals(i, got.poll(10, TimeUnit.SECONDS));
        }
        for (CompletableFuture<Void> f : stages) {
            f.get(10, TimeUnit.SECONDS); // every blocked emit went out
        }
    }

    @Test
    void shouldFailRatherThanBlockTheIoThread() throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = ipc(Net.config("world", root)).serve();
        server.start();
        CompletableFuture<IpcException> refused = new CompletableFuture<>();
        ipc(Net.config("hello", root).highWaterMarkBytes(MARK).backpressure(Backpressure.BLOCK)).connectTo("world",
                c -> c.on("connect", () -> {
                    // on the I/O thread, which cannot flush while this loop runs: the queue reaches the mark
                    for (int i = 0; i < MAX_FRAMES && !refused.isDone(); i++) {
                        c.emit("seq", seq(i)).whenComplete((v, e) -> {
                            if (e != null) {
                                refused.complete((IpcException) e);
                            }
                        });
                    }
                    refused.complete(null);
                }));
        IpcException e = refused.get(10, TimeUnit.SECONDS);
        assertNotNull(e, "the I/O thread emitted " + MAX_FRAMES + " frames without reaching the mark");
        assertEquals("EBACKPRESSURE", e.code());
        assertTrue(e.getMessage().contains("I/O thread"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldKeepBroadcastingToOthersWhileOneSocketIsStuck(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root).highWaterMarkBytes(MARK)
                .flushTimeout(Duration.ofMillis(100)).backpressure(Backpressure.BLOCK))); // broadcast never blocks, even under BLOCK
        BlockingQueue<IpcSocket> connected = new LinkedBlockingQueue<>();
        server.on("connect", (d, s) -> connected.add(s));
        server.start();
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        net.connect(ipc(Net.config("good", root)), "world", server, c -> c.on("b",
                d -> got.add(d.json().get("n").asInt())));
        assertNotNull(connected.poll(10, TimeUnit.SECONDS));
        try (SocketChannel stuck = SocketChannel.open(server.address())) { // connects, never reads
            assertTrue(stuck.isConnected());
            IpcSocket stuckSocket = connected.poll(10, TimeUnit.SECONDS);
            assertNotNull(stuckSocket);
            int failures = 0;
            for (int i = 0; i < MAX_FRAMES && failures < 5; i++) {
                CompletableFuture<Void> f = server.broadcast("b", seq(i)).toCompletableFuture();
                assertEquals(i, got.poll(10, TimeUnit.SECONDS), "the good client missed a broadcast");
                assertBounded(stuckSocket.pendingBytes());
                if (f.isCompletedExceptionally()) {
                    failures++;
                    IpcException e = failure(f);
                    assertEquals("EBACKPRESSURE", e.code(), e.getMessage());
                    assertTrue(e.getMessage().contains("socket " + stuckSocket.id()), e.getMessage());
                }
            }
            if (failures < 5) {
                fail("broadcast to a socket that reads nothing never failed in " + MAX_FRAMES + " frames");
            }
            // a direct emit under BLOCK waits (on this thread, not the I/O thread) until the socket closes
            CompletableFuture<CompletableFuture<Void>> direct = new CompletableFuture<>();
            Thread emitter = new Thread(() -> direct.complete(stuckSocket.emit("b", seq(-1)).toCompletableFuture()));
            emitter.start();
            for (int i = 0; i < 1000 && emitter.getState() != Thread.State.WAITING; i++) {
                Thread.sleep(10); // hang guard only
            }
            assertEquals(Thread.State.WAITING, emitter.getState(), "a direct emit under BLOCK did not wait");
            assertTrue(stuckSocket.isOpen(), "a full queue does not close the connection");
            stuckSocket.close();
            IpcException e = failure(direct.get(10, TimeUnit.SECONDS));
            assertNotNull(e);
            assertEquals("ECLOSED", e.code(), e.getMessage());
        }
        server.broadcast("b", seq(MAX_FRAMES)); // the good client is still served
        assertEquals(MAX_FRAMES, got.poll(10, TimeUnit.SECONDS));
    }
}
