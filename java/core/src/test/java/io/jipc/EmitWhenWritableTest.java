package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link IpcClient#emitWhenWritable} and {@link IpcSocket#emitWhenWritable} under {@link Backpressure#BLOCK}: a frame
 * that does not fit waits for room without holding the caller's thread (the I/O thread included), waiting frames are
 * accepted first come, first served, a withdrawn frame is never sent, and a connection that closes fails the frames
 * still waiting.
 */
class EmitWhenWritableTest {
    private static final long MARK = 64 * 1024;
    private static final String PAD = "x".repeat(16 * 1024);
    /** Frames a handler emits for a peer that reads. */
    private static final int FRAMES = 64;
    /** Bound on the frames emitted to a peer that reads nothing: 128 MiB, far more than any kernel socket buffer. */
    private static final int MAX_FRAMES = 8192;

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

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** A client of a server whose I/O thread is held in "stall" until {@link #release}: it reads nothing. */
    private IpcClient clientOfStalledServer(Net net, BlockingQueue<Integer> got) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        server.on("stall", (d, s) -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.on("seq", (d, s) -> got.add(d.json().get("n").asInt()));
        server.start();
        CountDownLatch connected = new CountDownLatch(1);
        IpcClient client = net.connect(ipc(Net.config("hello", root).highWaterMarkBytes(MARK)
                .backpressure(Backpressure.BLOCK)), "world", server, c -> c.on("connect", connected::countDown));
        assertTrue(connected.await(10, TimeUnit.SECONDS), "client did not connect");
        client.emit("stall");
        return client;
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldWaitForRoomWithoutTheCallersThreadInOrderAndNeverSendAWithdrawnFrame(Net net) throws Exception {
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        IpcClient client = clientOfStalledServer(net, got);
        List<CompletableFuture<CompletionStage<Void>>> accepted = new ArrayList<>();
        int firstWaiting = -1;
        // 512 frames (8 MiB) past the first that had to wait: more than TCP's loopback buffers take meanwhile
        for (int i = 0; i < MAX_FRAMES && (firstWaiting < 0 || i < firstWaiting + 512); i++) {
            accepted.add(client.emitWhenWritable("seq", seq(i))); // returns at once: this thread never waits
            if (firstWaiting < 0 && !accepted.get(i).isDone()) {
                firstWaiting = i;
            }
        }
        assertTrue(firstWaiting >= 0, "every frame was accepted although the server read nothing");
        int count = accepted.size();
        assertTrue(client.pendingBytes() <= MARK, "queued " + client.pendingBytes() + " bytes, over the mark");

        // withdraw every other waiting frame; a blocking emit made meanwhile lines up behind those that still wait
        List<Integer> expected = new ArrayList<>();
        List<Integer> withdrawn = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i % 2 == 1 && accepted.get(i).cancel(false)) {
                withdrawn.add(i);
            } else {
                expected.add(i);
            }
        }
        assertFalse(withdrawn.isEmpty(), "no waiting frame could be withdrawn");
        for (int i : withdrawn) {
            assertTrue(i >= firstWaiting, "frame " + i + " was withdrawn although it had been accepted");
            assertTrue(accepted.get(i).isCancelled());
        }
        CompletableFuture<CompletionStage<Void>> blocking = new CompletableFuture<>();
        Thread emitter = new Thread(() -> blocking.complete(client.emit("seq", seq(count))), "blocking emitter");
        emitter.start();
        expected.add(count);

        release.countDown(); // the server reads again: every frame not withdrawn arrives, in order, exactly once
        for (int n : expected) {
            assertEquals(n, got.poll(10, TimeUnit.SECONDS), "frames arrive in the order of their emits");
        }
        for (int i = 0; i < count; i++) {
            if (!withdrawn.contains(i)) {
                accepted.get(i).get(10, TimeUnit.SECONDS).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        blocking.get(10, TimeUnit.SECONDS).toCompletableFuture().get(10, TimeUnit.SECONDS);
        client.emit("seq", seq(-1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(-1, got.poll(10, TimeUnit.SECONDS), "a withdrawn frame arrived late");
        assertNull(got.poll());
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldWaitOnTheIoThreadAndFailWaitingFramesUnsentWhenTheConnectionCloses(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root).highWaterMarkBytes(MARK)
                .backpressure(Backpressure.BLOCK)));
        BlockingQueue<List<CompletableFuture<CompletionStage<Void>>>> emitted = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> counts = new LinkedBlockingQueue<>(List.of(FRAMES, MAX_FRAMES));
        server.on("connect", (d, socket) -> {
            // on the I/O thread, which writes nothing while this runs: the queue reaches the mark and frames wait
            List<CompletableFuture<CompletionStage<Void>>> stages = new ArrayList<>();
            int n = counts.remove();
            for (int i = 0; i < n; i++) {
                stages.add(socket.emitWhenWritable("seq", seq(i)));
            }
            emitted.add(stages);
        });
        server.start();

        // a peer that reads everything: frames waiting on the I/O thread are accepted as the queue drains
        try (SocketChannel peer = SocketChannel.open(server.address())) {
            List<CompletableFuture<CompletionStage<Void>>> stages = emitted.poll(10, TimeUnit.SECONDS);
            assertNotNull(stages);
            assertFalse(stages.get(FRAMES - 1).isDone(), "the I/O thread's frames did not wait for room");
            List<Integer> frames = readFrames(peer, FRAMES);
            for (int i = 0; i < FRAMES; i++) {
                assertEquals(i, frames.get(i));
                assertNull(failure(stages.get(i).get(10, TimeUnit.SECONDS).toCompletableFuture()));
            }
        }

        // a peer that reads nothing: closing the socket fails the frames still waiting, unsent
        try (SocketChannel stuck = SocketChannel.open(server.address())) {
            assertTrue(stuck.isConnected());
            List<CompletableFuture<CompletionStage<Void>>> stages = emitted.poll(10, TimeUnit.SECONDS);
            assertNotNull(stages);
            CompletableFuture<CompletionStage<Void>> last = stages.get(MAX_FRAMES - 1);
            assertFalse(last.isDone(), "every frame was accepted although the peer read nothing");
            IpcSocket socket = server.sockets().get(server.sockets().size() - 1);
            socket.close();
            Throwable e = failure(last);
            assertTrue(e instanceof IpcException, String.valueOf(e));
            assertEquals("ECLOSED", ((IpcException) e).code(), e.getMessage());
            assertTrue(e.getMessage().contains("it was not sent"), e.getMessage());
        }
    }

    /** Reads {@code n} JSON frames ('\f'-delimited) of type "seq" and returns their numbers. */
    private static List<Integer> readFrames(SocketChannel peer, int n) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<Integer> numbers = new ArrayList<>();
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (numbers.size() < n) {
            buf.clear();
            assertTrue(peer.read(buf) >= 0, "the server closed after " + numbers.size() + " frames");
            buf.flip();
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b != '\f') {
                    frame.write(b);
                    continue;
                }
                JsonNode msg = mapper.readTree(frame.toString(StandardCharsets.UTF_8));
                frame.reset();
                assertEquals("seq", msg.get("type").asText());
                numbers.add(msg.get("data").get("n").asInt());
            }
        }
        return numbers;
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldNeverParkARequestAndNeverSendOneWhoseCallerStoppedWaiting(Net net) throws Exception {
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        IpcClient client = clientOfStalledServer(net, got);
        CompletableFuture<CompletionStage<Void>> last = null;
        int n = 0;
        int firstWaiting = -1;
        // 512 frames (8 MiB) past the first that had to wait: more than TCP's loopback buffers take meanwhile
        for (; n < MAX_FRAMES && (firstWaiting < 0 || n < firstWaiting + 512); n++) {
            last = client.emitWhenWritable("seq", seq(n));
            if (firstWaiting < 0 && !last.isDone()) {
                firstWaiting = n;
            }
        }
        assertFalse(last.isDone(), "every frame was accepted although the server read nothing");

        // a request now: under BLOCK it must not park this thread (it did: request sent with the blocking emit)
        CompletableFuture<CompletableFuture<Message>> issued = new CompletableFuture<>();
        Thread caller = new Thread(() -> issued.complete(client.request("seq", seq(-1),
                java.time.Duration.ofMillis(100)).toCompletableFuture()), "requester");
        caller.start();
        CompletableFuture<Message> reply = issued.get(30, TimeUnit.SECONDS);
        caller.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(caller.isAlive(), "request() parked its thread");
        Throwable timedOut = failure(reply);
        assertNotNull(timedOut, "a request to a server that reads nothing got a reply");
        assertEquals(IpcException.ETIMEDOUT, ((IpcException) timedOut).code());

        // the server reads again: every emitted frame arrives, in order, and the request that timed out while its
        // frame waited for room was withdrawn (its "seq" handler would have recorded -1)
        release.countDown();
        assertNull(failure(last), "the last waiting emit was not accepted");
        CompletableFuture<Void> after = client.emit("seq", seq(n)).toCompletableFuture();
        after.get(30, TimeUnit.SECONDS);
        for (int i = 0; i <= n; i++) {
            Integer next = got.poll(30, TimeUnit.SECONDS);
            assertEquals(i, next, "frames out of order, or the withdrawn request was sent");
        }
    }
}
