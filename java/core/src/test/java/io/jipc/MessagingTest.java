package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MessagingTest {
    record Greeting(String name, int n, List<String> tags) {
    }

    private final List<Ipc> open = new ArrayList<>();

    private Ipc ipc(String id, String root) {
        Ipc ipc = Ipc.create(Net.config(id, root));
        open.add(ipc);
        return ipc;
    }

    @AfterEach
    void closeAll() {
        open.forEach(Ipc::close);
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldEchoEveryKindOfData(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc("world", root));
        server.on("message", (data, socket) -> socket.emit("message", data));
        server.start();

        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcClient client = net.connect(ipc("hello", root), "world", server);
        client.on("message", got::add);

        client.emit("message", "hello");
        assertEquals("hello", take(got).asText());

        client.emit("message", new Greeting("Ada", 7, List.of("é€", "😀")));
        Message m = take(got);
        assertEquals(new Greeting("Ada", 7, List.of("é€", "😀")), m.as(Greeting.class));
        assertEquals("{\"name\":\"Ada\",\"n\":7,\"tags\":[\"é€\",\"😀\"]}", new String(m.bytes(), "UTF-8"));

        client.emit("message", List.of(1, "two"));
        assertEquals("[1,\"two\"]", take(got).asText());

        client.emit("message");
        Message empty = take(got);
        assertTrue(empty.hasData());
        assertEquals("{}", empty.asText());

        client.emit("message", 0);
        assertEquals(0, take(got).json().intValue());
        client.emit("message", false);
        assertFalse(take(got).json().booleanValue());
        client.emit("message", "");
        assertEquals("", take(got).asText());
        client.emit("message", Map.of("nested", Map.of("deep", List.of(Map.of("x", 1)))));
        JsonNode tree = take(got).json();
        assertEquals(1, tree.at("/nested/deep/0/x").intValue());
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldEmitToOneSocketOnly(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc("world", root));
        BlockingQueue<IpcSocket> connected = new LinkedBlockingQueue<>();
        server.on("hi", (data, socket) -> connected.add(socket));
        server.start();

        BlockingQueue<String> a = new LinkedBlockingQueue<>();
        BlockingQueue<String> b = new LinkedBlockingQueue<>();
        IpcClient ca = net.connect(ipc("a", root), "world", server);
        ca.on("direct", d -> a.add(d.asText()));
        ca.emit("hi", "a");
        IpcSocket sa = connected.poll(10, TimeUnit.SECONDS);
        IpcClient cb = net.connect(ipc("b", root), "world", server);
        cb.on("direct", d -> b.add(d.asText()));
        cb.emit("hi", "b");
        IpcSocket sb = connected.poll(10, TimeUnit.SECONDS);

        server.emit(sa, "direct", "for a").toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.emit(sb, "direct", "for b").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("for a", a.poll(10, TimeUnit.SECONDS));
        assertEquals("for b", b.poll(10, TimeUnit.SECONDS));
        assertNull(a.poll(200, TimeUnit.MILLISECONDS), "a got b's message");
        assertEquals(2, server.sockets().size());
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldBroadcastToTwentyClients(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc("world", root));
        BlockingQueue<IpcSocket> joined = new LinkedBlockingQueue<>();
        server.on("connect", (data, socket) -> joined.add(socket));
        server.start();

        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        Ipc clients = ipc("many", root);
        for (int i = 0; i < 20; i++) {
            String name = "c" + i;
            net.connect(clients, name, server).on("news", d -> got.add(name + "=" + d.json().get("n").asInt()));
        }
        for (int i = 0; i < 20; i++) {
            joined.poll(10, TimeUnit.SECONDS);
        }
        assertEquals(20, server.sockets().size());
        server.broadcast("news", Map.of("n", 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            seen.add(got.poll(10, TimeUnit.SECONDS));
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(seen.contains("c" + i + "=1"), "missing c" + i + " in " + seen);
        }
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldKeepOrderAcrossThreadsAndManyMessages(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc("world", root));
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        server.on("seq", (data, socket) -> got.add(data.json().intValue()));
        server.start();
        IpcClient client = net.connect(ipc("hello", root), "world", server);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            client.emit("seq", i);
        }
        for (int i = 0; i < n; i++) {
            Integer v = got.poll(10, TimeUnit.SECONDS);
            assertEquals(i, v);
        }
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldCarryLargeFramesInterleavedWithSmallOnes(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        // the echo runs on the I/O thread, which must not block: a mark above the three big frames keeps them all
        Ipc world = Ipc.create(Net.config("world", root).highWaterMarkBytes(64L << 20));
        open.add(world);
        IpcServer server = net.serve(world);
        server.on("m", (data, socket) -> socket.emit("m", data));
        server.start();
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        // 45 MiB emitted back to back is over the default 8 MiB high-water mark: wait for room instead of failing
        Ipc hello = Ipc.create(Net.config("hello", root).backpressure(Backpressure.BLOCK));
        open.add(hello);
        IpcClient client = net.connect(hello, "world", server, c -> c.on("m", got::add));
        String big = "ab€".repeat(3 * 1024 * 1024); // 15 MiB of UTF-8, under the 16 MiB default limit
        for (int i = 0; i < 3; i++) {
            client.emit("m", i);
            client.emit("m", big);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(i, take(got).json().intValue());
            assertEquals(big, take(got).asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldKeepEachThreadsOrderWhenManyThreadsEmit(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc("world", root));
        int threads = 4;
        int each = 5_000;
        int[] next = new int[threads];
        BlockingQueue<String> problems = new LinkedBlockingQueue<>();
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(threads * each);
        server.on("t", (data, socket) -> {
            int t = data.json().get("t").intValue();
            int i = data.json().get("i").intValue();
            if (next[t]++ != i) {
                problems.add("thread " + t + ": got " + i + ", expected " + (next[t] - 1));
            }
            all.countDown();
        });
        server.start();
        IpcClient client = net.connect(ipc("hello", root), "world", server);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            senders.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    client.emit("t", Map.of("t", id, "i", i));
                }
            }));
        }
        senders.forEach(Thread::start);
        for (Thread t : senders) {
            t.join();
        }
        assertTrue(all.await(20, TimeUnit.SECONDS), "not every message arrived");
        assertEquals(List.of(), new ArrayList<>(problems));
    }

    @org.junit.jupiter.api.Test
    void shouldBindTheClientToTheConfiguredInterface() throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = Net.TCP.serve(ipc("world", root));
        BlockingQueue<IpcSocket> joined = new LinkedBlockingQueue<>();
        server.on("connect", (d, s) -> joined.add(s));
        server.start();
        int localPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            localPort = probe.getLocalPort();
        }
        Ipc hello = Ipc.create(Net.config("hello", root).interfaces(new IpcConfig.Interfaces("127.0.0.1", localPort)));
        open.add(hello);
        Net.TCP.connect(hello, "world", server);
        IpcSocket socket = joined.poll(10, TimeUnit.SECONDS);
        assertEquals(new java.net.InetSocketAddress("127.0.0.1", localPort), socket.remoteAddress());
    }

    private static Message take(BlockingQueue<Message> q) throws InterruptedException {
        Message m = q.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 10 s");
        }
        return m;
    }
}
