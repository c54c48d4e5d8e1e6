package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Disconnect during emit: several threads emit (client side and server side) while this side disconnects or the peer
 * closes, and broadcast races sockets closing. What the library promises, and what is asserted:
 *
 * <ul>
 *   <li>every emit's stage completes, exactly once, either normally (the frame reached this side's kernel) or with an
 *       {@link IpcException} whose code says why ({@code ECLOSED}: the connection closed before the frame was
 *       written; {@code ENOTCONNECTED}: emitted after {@code disconnect()} or once the client is gone);
 *   <li>emit never throws to the calling thread;
 *   <li>per emitting thread, the successes are a prefix: once one emit failed because the connection closed, every
 *       later emit of that thread on that connection fails too;
 *   <li>when this side disconnects (an orderly close, which flushes what was queued), the peer receives exactly the
 *       messages whose stage succeeded, each once, in each thread's order, and no partial frame;
 *   <li>when the peer closes, a successful stage does not mean delivery (the peer may close with the frame in its
 *       receive buffer): what arrived is, per thread, a gap-free prefix of the successes. Use application
 *       acknowledgements ({@link CountedDeliveryTest}) for "delivered";
 *   <li>no descriptor or I/O thread is left behind.
 * </ul>
 *
 * <p>Over Unix sockets, TCP and TLS; broadcast over Unix sockets.
 */
class EmitDisconnectTest {
    private static final int THREADS = 4;
    /** Per emitting thread: a bound on the messages of one run (arrays are this long). */
    private static final int MAX_PER_THREAD = 400_000;
    /** Per emitting thread: stages not yet complete, so the queue stays far below the high-water mark. */
    private static final int WINDOW = 512;

    private final List<Ipc> open = new ArrayList<>();

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    @AfterEach
    void closeAll() {
        open.forEach(Ipc::close);
    }

    @BeforeAll
    static void warmUp() throws Exception {
        LoadTest.warmUp();
    }

    private static String code(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c instanceof IpcException ? ((IpcException) c).code() : c.toString();
    }

    /** Emits sequence-numbered messages from {@link #THREADS} threads and records how each stage completed. */
    private static final class Emitters {
        final AtomicIntegerArray[] completions = new AtomicIntegerArray[THREADS];
        /** Per message: 1 completed normally, 2 failed. */
        final AtomicIntegerArray[] outcome = new AtomicIntegerArray[THREADS];
        /** Per message: the stage its emit returned (frames of one batch share one). */
        final AtomicReferenceArray<?>[] stages = new AtomicReferenceArray<?>[THREADS];
        final AtomicInteger[] emitted = new AtomicInteger[THREADS];
        final AtomicInteger[] failed = new AtomicInteger[THREADS];
        final Set<String> failureCodes = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<Throwable> escaped = new ConcurrentLinkedQueue<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();

        Emitters(BiFunction<Integer, Integer, CompletionStage<Void>> emit) {
            for (int t = 0; t < THREADS; t++) {
                completions[t] = new AtomicIntegerArray(MAX_PER_THREAD);
                outcome[t] = new AtomicIntegerArray(MAX_PER_THREAD);
                AtomicReferenceArray<CompletionStage<Void>> stagesOfThread = new AtomicReferenceArray<>(MAX_PER_THREAD);
                stages[t] = stagesOfThread;
                emitted[t] = new AtomicInteger();
                failed[t] = new AtomicInteger();
                int thread = t;
                Semaphore window = new Semaphore(WINDOW);
                threads.add(new Thread(() -> {
                    for (int n = 0; n < MAX_PER_THREAD && !stop.get(); n++) {
                        int seq = n;
                        try {
                            if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                                escaped.add(new AssertionError("thread " + thread + ": " + WINDOW
                                        + " stages still pending after 30 s"));
                                return;
                            }
                            emitted[thread].incrementAndGet();
                            CompletionStage<Void> stage = emit.apply(thread, seq);
                            stagesOfThread.set(seq, stage);
                            stage.whenComplete((v, e) -> {
                                completions[thread].incrementAndGet(seq);
                                outcome[thread].set(seq, e == null ? 1 : 2);
                                if (e != null) {
                                    failureCodes.add(code(e));
                                    failed[thread].incrementAndGet();
                                }
                                window.release();
                            });
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException | Error e) {
                            escaped.add(e);
                            window.release();
                        }
                    }
                }, "emitter-" + t));
            }
        }

        void start() {
            threads.forEach(Thread::start);
        }

        /** Lets every thread see failures (the close took effect), then stops them and waits for every stage. */
        void finish() throws Exception {
            finish(true);
        }

        /** @param awaitFailures wait until each thread saw 100 failures (or ran to its bound) before stopping */
        void finish(boolean awaitFailures) throws Exception {
            LoadTest.await(() -> {
                if (!awaitFailures) {
                    return true;
                }
                for (int t = 0; t < THREADS; t++) {
                    if (failed[t].get() < 100 && emitted[t].get() < MAX_PER_THREAD) {
                        return false;
                    }
                }
                return true;
            }, () -> "emitters did not see the close; failures: " + failureCodes);
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
                assertTrue(!t.isAlive(), t.getName() + " still running");
            }
            LoadTest.await(() -> {
                for (int t = 0; t < THREADS; t++) {
                    for (int n = 0; n < emitted[t].get(); n++) {
                        if (completions[t].get(n) == 0) {
                            return false;
                        }
                    }
                }
                return true;
            }, () -> "some emit stages never completed");
        }

        /** @return per thread, how many messages succeeded (checked to be a prefix), after the common checks */
        int[] check(Set<String> allowedCodes) {
            assertTrue(escaped.isEmpty(), "emit threw on the calling thread: " + escaped);
            assertTrue(allowedCodes.containsAll(failureCodes), "failure codes " + failureCodes + ", allowed "
                    + allowedCodes);
            int[] ok = new int[THREADS];
            for (int t = 0; t < THREADS; t++) {
                int n = emitted[t].get();
                int prefix = 0;
                while (prefix < n && outcome[t].get(prefix) == 1) {
                    prefix++;
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(1, completions[t].get(i), "thread " + t + " message " + i + ": completions");
                    if (i >= prefix) {
                        assertEquals(2, outcome[t].get(i), "thread " + t + ": message " + i
                                + " succeeded after message " + prefix + " failed");
                    }
                }
                assertTrue(prefix > 0 && prefix < n, "thread " + t + ": " + prefix + " of " + n
                        + " succeeded; the close should fall inside the run");
                ok[t] = prefix;
            }
            return ok;
        }
    }

    /** Receives {@code [thread, seq]} messages, per emitting thread in arrival order. */
    private static final class Received {
        final Map<Integer, List<Integer>> byThread = new ConcurrentHashMap<>();
        final AtomicInteger total = new AtomicInteger();

        void add(Message d) {
            byThread.computeIfAbsent(d.json().get(0).asInt(), k -> java.util.Collections.synchronizedList(
                    new ArrayList<>())).add(d.json().get(1).asInt());
            total.incrementAndGet();
        }

        /** Asserts that thread t's messages arrived as 0..count-1, in order, each once. */
        void assertExactly(int t, int count) {
            List<Integer> got = byThread.getOrDefault(t, List.of());
            synchronized (got) {
                assertEquals(count, got.size(), "thread " + t + ": messages received");
                for (int i = 0; i < count; i++) {
                    assertEquals(i, got.get(i), "thread " + t + ": message at position " + i);
                }
            }
        }

        /**
         * Asserts that thread t's messages arrived as 0..k-1, in order, each once, and that an emit that failed
         * although its frame arrived shared its stage with the first failed emit: small frames written together
         * share one stage, which fails as a whole when the connection breaks while the batch is being written
         * ({@code IpcSocket.emit} and {@code IpcClient.emit} say so). Returns k.
         *
         * @param ok how many of thread t's emits succeeded (a prefix)
         * @param emitters the stage of each emit
         */
        int assertPrefixOf(int t, int ok, Emitters emitters) {
            int k = assertPrefixOf(t, Integer.MAX_VALUE);
            for (int i = ok; i < k; i++) {
                assertSame(emitters.stages[t].get(ok), emitters.stages[t].get(i), "thread " + t + ": message " + i
                        + " arrived but its emit failed, outside the batch of message " + ok
                        + " (the first that failed)");
            }
            return k;
        }

        /** Asserts that thread t's messages arrived as 0..k-1 for some k at most {@code atMost}; returns k. */
        int assertPrefixOf(int t, int atMost) {
            List<Integer> got = byThread.getOrDefault(t, List.of());
            synchronized (got) {
                assertTrue(got.size() <= atMost, "thread " + t + ": " + got.size() + " received, only " + atMost
                        + " succeeded");
                for (int i = 0; i < got.size(); i++) {
                    assertEquals(i, got.get(i), "thread " + t + ": message at position " + i);
                }
                return got.size();
            }
        }
    }

    /** The stream transports: Unix socket, TCP, TLS over TCP (the test certificates of {@link TlsTest}). */
    enum Kind {
        UNIX, TCP, TLS;

        IpcConfig server(IpcConfig config) {
            return this == TLS ? config.tls(TlsTest.serverTls()) : config;
        }

        IpcConfig client(IpcConfig config) {
            return this == TLS ? config.tls(TlsTest.clientTls()) : config;
        }

        IpcServer serve(Ipc ipc) {
            return this == UNIX ? ipc.serve() : ipc.serveNet("127.0.0.1", 0);
        }

        IpcClient connect(Ipc ipc, IpcServer server, java.util.function.Consumer<IpcClient> setup) {
            return this == UNIX ? Net.UNIX.connect(ipc, "world", server, setup)
                    : ipc.connectToNet("world", "127.0.0.1", Net.port(server), setup);
        }
    }

    private static Object body(int thread, int seq) {
        return new int[] {thread, seq};
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldCompleteEveryEmitAndDeliverExactlyTheSuccessesWhenTheClientDisconnects(Kind kind) throws Exception {
        long fds = LoadTest.openFds();
        long threads = LoadTest.jipcThreads();
        String root = Net.tempSocketRoot();
        Received received = new Received();
        ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> gone = new CompletableFuture<>();
        IpcServer server = kind.serve(ipc(kind.server(Net.config("world", root))));
        server.on("m", (d, s) -> received.add(d));
        server.on("error", (d, s) -> serverErrors.add(d.error().map(Throwable::toString).orElse("?")));
        server.on("socket.disconnected", (d, s) -> gone.complete(null));
        server.start();
        Recorder rec = new Recorder();
        IpcClient client = kind.connect(ipc(kind.client(Net.config("hello", root))), server, rec::watch);
        rec.expect("connect");

        Emitters emitters = new Emitters((t, n) -> client.emit("m", body(t, n)));
        emitters.start();
        LoadTest.await(() -> received.total.get() >= 20_000, () -> "server received " + received.total.get());
        CompletionStage<Void> disconnected = client.disconnect();
        emitters.finish();
        disconnected.toCompletableFuture().get(30, TimeUnit.SECONDS);
        gone.get(30, TimeUnit.SECONDS);

        int[] ok = emitters.check(Set.of("ECLOSED", "ENOTCONNECTED"));
        for (int t = 0; t < THREADS; t++) {
            received.assertExactly(t, ok[t]);
        }
        assertTrue(serverErrors.isEmpty(), "server errors (a partial frame would be ETRUNCATED): " + serverErrors);
        assertTrue(rec.history().stream().noneMatch(e -> e.startsWith("error")), rec.history().toString());
        closeAll();
        open.clear();
        LoadTest.assertFdsAtMost(fds, "after the run");
        LoadTest.await(() -> LoadTest.jipcThreads() <= threads, () -> "jipc threads " + LoadTest.jipcThreads()
                + ", baseline " + threads);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldCompleteEveryClientEmitWhenTheServerClosesTheSocket(Kind kind) throws Exception {
        long fds = LoadTest.openFds();
        long threads = LoadTest.jipcThreads();
        String root = Net.tempSocketRoot();
        Received received = new Received();
        AtomicBoolean closing = new AtomicBoolean();
        IpcServer server = kind.serve(ipc(kind.server(Net.config("world", root))));
        server.on("m", (d, s) -> {
            received.add(d);
            if (received.total.get() >= 20_000 && closing.compareAndSet(false, true)) {
                s.close(); // the peer of the emitting client closes, mid-stream
            }
        });
        server.start();
        Recorder rec = new Recorder();
        // no retry: the emits after the close must all fail, so "successes are a prefix" is checkable
        IpcClient client = kind.connect(ipc(kind.client(Net.config("hello", root).maxRetries(0))), server,
                rec::watch);
        rec.expect("connect");

        Emitters emitters = new Emitters((t, n) -> client.emit("m", body(t, n)));
        emitters.start();
        emitters.finish();
        rec.await("destroy");

        int[] ok = emitters.check(Set.of("ECLOSED", "ENOTCONNECTED"));
        int arrived = 0;
        for (int t = 0; t < THREADS; t++) {
            arrived += received.assertPrefixOf(t, ok[t], emitters);
        }
        assertTrue(arrived >= 20_000, "arrived " + arrived);
        // the close may meet a write in flight: the kernel answers it with a reset or a broken pipe
        assertTrue(rec.history().stream().filter(e -> e.startsWith("error")).allMatch(e -> e.equals("error:EPIPE")
                || e.equals("error:ECONNRESET")), rec.history().toString());
        closeAll();
        open.clear();
        LoadTest.assertFdsAtMost(fds, "after the run");
        LoadTest.await(() -> LoadTest.jipcThreads() <= threads, () -> "jipc threads " + LoadTest.jipcThreads()
                + ", baseline " + threads);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldCompleteEverySocketEmitWhenTheClientGoesAway(Kind kind) throws Exception {
        long fds = LoadTest.openFds();
        long threads = LoadTest.jipcThreads();
        String root = Net.tempSocketRoot();
        ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();
        CompletableFuture<IpcSocket> accepted = new CompletableFuture<>();
        CompletableFuture<Void> gone = new CompletableFuture<>();
        IpcServer server = kind.serve(ipc(kind.server(Net.config("world", root))));
        server.on("connect", (d, s) -> accepted.complete(s));
        server.on("socket.disconnected", (d, s) -> gone.complete(null));
        server.on("error", (d, s) -> serverErrors.add(d.error().map(IpcException::code).orElse("?")));
        server.start();
        Received received = new Received();
        IpcClient client = kind.connect(ipc(kind.client(Net.config("hello", root))), server,
                c -> c.on("m", received::add));
        IpcSocket socket = accepted.get(30, TimeUnit.SECONDS);

        Emitters emitters = new Emitters((t, n) -> socket.emit("m", body(t, n)));
        emitters.start();
        LoadTest.await(() -> received.total.get() >= 20_000, () -> "client received " + received.total.get());
        client.disconnect().toCompletableFuture().get(30, TimeUnit.SECONDS);
        emitters.finish();
        gone.get(30, TimeUnit.SECONDS);

        int[] ok = emitters.check(Set.of("ECLOSED"));
        for (int t = 0; t < THREADS; t++) {
            received.assertPrefixOf(t, ok[t], emitters);
        }
        assertTrue(serverErrors.stream().allMatch(c -> c.equals("EPIPE") || c.equals("ECONNRESET")),
                "server errors: " + serverErrors);
        assertTrue(server.isListening());
        closeAll();
        open.clear();
        LoadTest.assertFdsAtMost(fds, "after the run");
        LoadTest.await(() -> LoadTest.jipcThreads() <= threads, () -> "jipc threads " + LoadTest.jipcThreads()
                + ", baseline " + threads);
    }

    @ParameterizedTest
    @CsvSource({"UNIX,stop", "UNIX,close", "TCP,stop", "TCP,close", "TLS,stop", "TLS,close"})
    void shouldCompleteEverySocketEmitAndDeliverTheSuccessesWhenTheServerSideCloses(Kind kind, String how)
            throws Exception {
        String root = Net.tempSocketRoot();
        CompletableFuture<IpcSocket> accepted = new CompletableFuture<>();
        IpcServer server = kind.serve(ipc(kind.server(Net.config("world", root))));
        server.on("connect", (d, s) -> accepted.complete(s));
        server.start();
        Received received = new Received();
        Recorder rec = new Recorder();
        IpcClient client = kind.connect(ipc(kind.client(Net.config("hello", root).maxRetries(0))), server, c -> {
            rec.watch(c);
            c.on("m", received::add);
        });
        IpcSocket socket = accepted.get(30, TimeUnit.SECONDS);

        Emitters emitters = new Emitters((t, n) -> socket.emit("m", body(t, n)));
        emitters.start();
        LoadTest.await(() -> received.total.get() >= 20_000, () -> "client received " + received.total.get());
        // this side closes: an orderly close that flushes what was queued
        if (how.equals("stop")) {
            server.stop();
        } else {
            socket.close();
        }
        emitters.finish();
        rec.await("destroy");

        int[] ok = emitters.check(Set.of("ECLOSED"));
        for (int t = 0; t < THREADS; t++) {
            received.assertExactly(t, ok[t]);
        }
        assertTrue(client.state() == ConnectionState.DESTROYED, client.state().toString());
        assertTrue(rec.history().stream().noneMatch(e -> e.startsWith("error")), rec.history().toString());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldCloseWithinTheFlushTimeoutWhenThePeerStopsReading(Kind kind) throws Exception {
        String root = Net.tempSocketRoot();
        CompletableFuture<IpcSocket> accepted = new CompletableFuture<>();
        CompletableFuture<Void> gone = new CompletableFuture<>();
        IpcServer server = kind.serve(ipc(kind.server(Net.config("world", root).flushTimeout(Duration.ofSeconds(1))
                .highWaterMarkBytes(1 << 20))));
        server.on("connect", (d, s) -> accepted.complete(s));
        server.on("socket.disconnected", (d, s) -> gone.complete(null));
        server.start();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        kind.connect(ipc(kind.client(Net.config("hello", root).maxRetries(0))), server, c -> c.on("stall", () -> {
            try {
                release.await(60, TimeUnit.SECONDS); // holds the client's I/O thread: it reads nothing more
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        IpcSocket socket = accepted.get(30, TimeUnit.SECONDS);
        try {
            socket.emit("stall", null);
            String payload = "x".repeat(64 * 1024);
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            CompletableFuture<Void> last;
            do { // until the kernel buffers and the high-water mark are full
                last = socket.emit("m", payload).toCompletableFuture();
                sent.add(last);
            } while (!last.isCompletedExceptionally() && sent.size() < 10_000);
            assertTrue(last.isCompletedExceptionally(), "the queue never filled: " + sent.size() + " emits, last "
                    + last + ", pending " + socket.pendingBytes());

            // an orderly close cannot flush to a peer that does not read: it gives up after flushTimeout
            socket.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
            gone.get(30, TimeUnit.SECONDS);
            for (CompletableFuture<Void> f : sent) {
                assertTrue(f.isDone(), "an emit stage is still pending after the close");
            }
            CompletableFuture<Void> after = socket.emit("m", "late").toCompletableFuture();
            assertEquals("ECLOSED", code(assertThrowsCause(after)));
        } finally {
            release.countDown();
        }
    }

    private static Throwable assertThrowsCause(CompletableFuture<Void> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the stage completed normally");
    }

    @Test
    void shouldCompleteEveryBroadcastWhileSocketsClose() throws Exception {
        long fds = LoadTest.openFds();
        long threads = LoadTest.jipcThreads();
        String root = Net.tempSocketRoot();
        AtomicInteger connected = new AtomicInteger();
        IpcServer server = ipc(Net.config("world", root)).serve();
        server.on("connect", (d, s) -> connected.incrementAndGet());
        server.start();
        int clients = 8;
        Ipc hello = ipc(Net.config("hello", root));
        List<Received> got = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Received r = new Received();
            got.add(r);
            Net.UNIX.connect(hello, "c" + i, server, c -> c.on("m", r::add));
        }
        LoadTest.await(() -> connected.get() == clients, () -> "connected " + connected.get());

        Emitters emitters = new Emitters((t, n) -> server.broadcast("m", body(t, n)));
        emitters.start();
        // all but the first two clients leave, one after another, while the broadcasts go on
        for (int i = clients - 1; i >= 2; i--) {
            Received r = got.get(i);
            int before = r.total.get();
            LoadTest.await(() -> r.total.get() >= before + 500, () -> "client receives no broadcasts");
            hello.disconnect("c" + i).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        hello.disconnect("c1").toCompletableFuture().get(30, TimeUnit.SECONDS);
        emitters.finish(false);

        // a broadcast fails when its frame could not go to every socket; the others still got it
        int[] ok = new int[THREADS];
        assertTrue(emitters.escaped.isEmpty(), "broadcast threw on the calling thread: " + emitters.escaped);
        assertTrue(Set.of("ECLOSED").containsAll(emitters.failureCodes), "failures: " + emitters.failureCodes);
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < emitters.emitted[t].get(); i++) {
                assertEquals(1, emitters.completions[t].get(i), "thread " + t + " broadcast " + i + ": completions");
            }
            ok[t] = emitters.emitted[t].get();
        }
        // the client that stayed got every broadcast, once, in order; those that left got a prefix of them
        LoadTest.await(() -> {
            for (int t = 0; t < THREADS; t++) {
                if (got.get(0).byThread.getOrDefault(t, List.of()).size() < ok[t]) {
                    return false;
                }
            }
            return true;
        }, () -> "the remaining client did not get every broadcast");
        for (int t = 0; t < THREADS; t++) {
            got.get(0).assertExactly(t, ok[t]);
            for (int i = 1; i < clients; i++) {
                got.get(i).assertPrefixOf(t, ok[t]);
            }
        }
        closeAll();
        open.clear();
        LoadTest.assertFdsAtMost(fds, "after the run");
        LoadTest.await(() -> LoadTest.jipcThreads() <= threads, () -> "jipc threads " + LoadTest.jipcThreads()
                + ", baseline " + threads);
    }
}
