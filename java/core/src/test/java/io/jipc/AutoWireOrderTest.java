package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-connection order on an AUTO server while new connections' codecs are still undecided: several threads emit
 * numbered frames (broadcast, and emit to each socket) while clients connect, stay silent (or speak first), and after
 * wireDetectTimeout decided JSON for them; every client must get each thread's frames in the order that thread emitted
 * them, with none missing once the first one arrived.
 */
class AutoWireOrderTest {
    private static final int THREADS = 4;
    private static final int CLIENTS = 4;
    private static final Duration DETECT = Duration.ofMillis(150);

    private final List<Ipc> open = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() {
        pool.shutdownNow();
        open.forEach(Ipc::close);
    }

    private static SocketChannel rawConnect(Net net, IpcServer server) throws java.io.IOException {
        if (net == Net.UNIX) {
            SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX);
            raw.connect(server.address());
            return raw;
        }
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", Net.port(server)));
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldKeepEachThreadsOrderWhileCodecsAreUndecided(Net net) throws Exception {
        Ipc ipc = Ipc.create(Net.config("world", Net.tempSocketRoot()).wireDetectTimeout(DETECT));
        open.add(ipc);
        IpcServer server = net.serve(ipc);
        server.start();

        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<CompletionStageRef> stages = new ConcurrentLinkedQueue<>();
        List<Future<?>> emitters = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            boolean broadcast = t % 2 == 0;
            emitters.add(pool.submit(() -> {
                long seq = 0;
                while (!stop.get()) {
                    String data = thread + ":" + seq++;
                    if (broadcast) {
                        stages.add(new CompletionStageRef(data, server.broadcast("n", data)));
                    } else {
                        for (IpcSocket s : server.sockets()) {
                            stages.add(new CompletionStageRef(data, s.emit("n", data)));
                        }
                    }
                    LockSupport.parkNanos(20_000);
                }
                String last = thread + ":" + (seq - 1);
                if (broadcast) {
                    stages.add(new CompletionStageRef("end " + last, server.broadcast("end", last)));
                } else {
                    for (IpcSocket s : server.sockets()) {
                        stages.add(new CompletionStageRef("end " + last, s.emit("end", last)));
                    }
                }
                return null;
            }));
        }

        List<SocketChannel> clients = new ArrayList<>();
        List<Future<String>> readers = new ArrayList<>();
        List<AtomicReference<String>> progress = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                Thread.sleep(DETECT.toMillis() / 2); // connections open while the emitters run
                SocketChannel raw = rawConnect(net, server);
                clients.add(raw);
                if (c == CLIENTS - 1) {
                    // one client speaks first: its codec is decided by its first byte, not by the timeout
                    raw.write(ByteBuffer.wrap("{\"type\":\"hi\",\"data\":1}\f".getBytes(StandardCharsets.UTF_8)));
                }
                AtomicReference<String> seen = new AtomicReference<>("");
                progress.add(seen);
                readers.add(pool.submit(() -> readInOrder(raw, seen)));
            }
            Thread.sleep(3 * DETECT.toMillis()); // every connection decided (by the timeout) while the emitters go on
            stop.set(true);
            for (Future<?> f : emitters) {
                f.get(30, TimeUnit.SECONDS);
            }
            for (CompletionStageRef s : stages) {
                s.stage.toCompletableFuture().get(30, TimeUnit.SECONDS); // every emit succeeded: none was dropped
            }
            for (int c = 0; c < CLIENTS; c++) {
                String result;
                try {
                    result = readers.get(c).get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    result = "still reading after 60 s: " + progress.get(c).get();
                }
                assertEquals("ok", result, "client " + c);
            }
        } finally {
            stop.set(true);
            for (SocketChannel raw : clients) {
                raw.close();
            }
        }
    }

    /** An emit's data and its stage. */
    private record CompletionStageRef(String data, java.util.concurrent.CompletionStage<Void> stage) {
    }

    /**
     * Reads frames until every thread's "end" arrived; checks that each thread's numbers arrive in order and without
     * a gap from the first one this client got.
     *
     * @return "ok", or what went wrong
     */
    private static String readInOrder(SocketChannel raw, AtomicReference<String> seen)
            throws Exception {
        long[] next = new long[THREADS];
        java.util.Arrays.fill(next, -1);
        boolean[] ended = new boolean[THREADS];
        int endedCount = 0;
        List<String> problems = new ArrayList<>();
        long frames = 0;
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        StringBuilder pending = new StringBuilder();
        while (endedCount < THREADS) {
            buf.clear();
            if (raw.read(buf) < 0) {
                return "connection closed after " + frames + " frames; " + problems;
            }
            pending.append(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
            int from = 0;
            int cut;
            while ((cut = pending.indexOf("\f", from)) >= 0) {
                String frame = pending.substring(from, cut);
                from = cut + 1;
                frames++;
                boolean end = frame.startsWith("{\"type\":\"end\"");
                int at = frame.indexOf("\"data\":\"") + 8;
                String[] ts = frame.substring(at, frame.indexOf('"', at)).split(":");
                int t = Integer.parseInt(ts[0]);
                long seq = Long.parseLong(ts[1]);
                if (end) {
                    if (next[t] >= 0 && seq != next[t] - 1 && problems.size() < 10) {
                        problems.add("thread " + t + " ended at " + seq + " but " + (next[t] - 1) + " came last");
                    }
                    ended[t] = true;
                    endedCount++;
                } else if (ended[t]) {
                    if (problems.size() < 10) {
                        problems.add("thread " + t + ": " + seq + " after its end");
                    }
                } else {
                    if (next[t] >= 0 && seq != next[t] && problems.size() < 10) {
                        problems.add("thread " + t + ": " + seq + " where " + next[t] + " was due");
                    }
                    next[t] = seq + 1;
                }
            }
            pending.delete(0, from);
            seen.set(frames + " frames, next due " + java.util.Arrays.toString(next) + ", ended "
                    + java.util.Arrays.toString(ended) + ", " + pending.length() + " chars of a frame pending");
        }
        for (int t = 0; t < THREADS; t++) {
            if (next[t] < 0) {
                problems.add("thread " + t + ": no numbered frame arrived");
            }
        }
        assertTrue(frames > THREADS, "frames: " + frames);
        return problems.isEmpty() ? "ok" : problems.toString();
    }
}
