package io.jipc.interop;

import static io.jipc.interop.NodeIpcPeer.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.ConnectionState;
import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;
import io.jipc.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jipc against the real node-ipc 9.2.1 and 14.0.0 from npm (started from ci/node-ipc), both directions, over Unix
 * sockets and TCP.
 */
class NodeIpcInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MIB = "é".repeat(256 * 1024) + "x".repeat(512 * 1024); // 1 MiB of UTF-8

    /** Data of every JSON kind; node-ipc must give back exactly the same value. */
    private static final List<Object> SAMPLES = List.of("hello", Map.of("id", "client1", "n", 1, "s", "é€"),
            List.of(1, "two", List.of(3.5, true)), "é€ 😀 \u2028 \f \u0001 \"quoted\"", 0, false);

    private final List<AutoCloseable> open = new ArrayList<>();

    static Stream<Arguments> peers() {
        return Stream.of("9", "14").flatMap(v -> Stream.of("unix", "tcp").map(t -> Arguments.of(v, t)));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static String tempRoot() {
        try {
            return Files.createTempDirectory(Path.of("/tmp"), "jipc-nipc-") + "/";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Ipc ipc(String id, String root) {
        return track(Ipc.create(IpcConfig.defaults().id(id).socketRoot(root).silent(true)
                .retry(Duration.ofMillis(100))));
    }

    /** Where a server listens, and the peer options that reach it. */
    private record Where(String transport, String root, int port) {
        String[] peerArgs() {
            return transport.equals("unix") ? new String[] {"--transport", "unix", "--socket-root", root}
                    : new String[] {"--transport", "tcp", "--host", "127.0.0.1", "--port", String.valueOf(port)};
        }

        IpcServer serve(Ipc ipc) {
            return transport.equals("unix") ? ipc.serve() : ipc.serveNet("127.0.0.1", port);
        }

        IpcClient connect(Ipc ipc, String id, java.util.function.Consumer<IpcClient> setup) {
            return transport.equals("unix") ? ipc.connectTo(id, root + "app.world", setup)
                    : ipc.connectToNet(id, "127.0.0.1", port, setup);
        }
    }

    private static Where where(String transport) {
        return new Where(transport, tempRoot(), transport.equals("tcp") ? NodeIpcPeer.freeTcpPort() : 0);
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private NodeIpcPeer nodeClient(String version, Where w, String... extra) {
        NodeIpcPeer p = track(NodeIpcPeer.start(version, concat(concat(w.peerArgs(), "--role", "client",
                "--server-id", "world", "--retry", "100", "--events", "echo,news,big"), extra)));
        p.awaitEvent("connect", WAIT);
        return p;
    }

    private NodeIpcPeer nodeServer(String version, Where w) {
        return track(NodeIpcPeer.start(version, concat(w.peerArgs(), "--role", "server", "--id", "world", "--echo",
                "--events", "*")));
    }

    private static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    // ---------------------------------------------------------------- node-ipc client -> jipc server

    @ParameterizedTest(name = "node-ipc {0} client -> jipc server over {1}")
    @MethodSource("peers")
    void shouldServeNodeIpcClients(String version, String transport) throws Exception {
        Where w = where(transport);
        IpcServer server = w.serve(ipc("world", w.root));
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        server.on("echo", (data, socket) -> {
            received.add(data);
            socket.emit("echo", data);
        });
        server.start();
        NodeIpcPeer node = nodeClient(version, w);

        for (Object sample : SAMPLES) {
            node.call(cmd("op", "emit", "type", "echo", "data", sample));
            assertEquals(tree(sample), received.poll(20, TimeUnit.SECONDS).json(), "jipc received " + sample);
            assertEquals(tree(sample), node.awaitMessage("echo", WAIT).get("data"), "node-ipc got back " + sample);
        }
        // emit(type) with no data: node-ipc sends {} and gets {} back
        node.call(cmd("op", "emit", "type", "echo"));
        assertEquals("{}", received.poll(20, TimeUnit.SECONDS).asText());
        assertEquals(JSON.createObjectNode(), node.awaitMessage("echo", WAIT).get("data"));

        // 1 MiB frames both ways
        node.call(cmd("op", "emit", "type", "echo", "data", MIB));
        assertEquals(MIB, received.poll(20, TimeUnit.SECONDS).asText());
        assertEquals(MIB, node.awaitMessage("echo", WAIT).get("data").asText());
    }

    @ParameterizedTest(name = "jipc server broadcasts to node-ipc {0} clients over {1}")
    @MethodSource("peers")
    void shouldBroadcastToNodeIpcClients(String version, String transport) throws Exception {
        Where w = where(transport);
        IpcServer server = w.serve(ipc("world", w.root));
        server.start();
        NodeIpcPeer a = nodeClient(version, w);
        NodeIpcPeer b = nodeClient(version, w);
        while (server.sockets().size() < 2) {
            Thread.sleep(10);
        }
        server.broadcast("news", Map.of("n", 1)).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(tree(Map.of("n", 1)), a.awaitMessage("news", WAIT).get("data"));
        assertEquals(tree(Map.of("n", 1)), b.awaitMessage("news", WAIT).get("data"));
    }

    @ParameterizedTest(name = "node-ipc {0} client reconnects to a restarted jipc server over {1}")
    @MethodSource("peers")
    void shouldLetNodeIpcClientsReconnectAfterRestart(String version, String transport) throws Exception {
        Where w = where(transport);
        Ipc serverIpc = ipc("world", w.root);
        IpcServer server = w.serve(serverIpc);
        server.on("echo", (data, socket) -> socket.emit("echo", data));
        server.start();
        NodeIpcPeer node = nodeClient(version, w);
        node.call(cmd("op", "emit", "type", "echo", "data", "first"));
        assertEquals("first", node.awaitMessage("echo", WAIT).get("data").asText());

        server.stop();
        node.awaitEvent("disconnect", WAIT);
        IpcServer again = w.serve(serverIpc);
        again.on("echo", (data, socket) -> socket.emit("echo", data));
        again.start();
        node.awaitEvent("connect", WAIT);
        node.call(cmd("op", "emit", "type", "echo", "data", "second"));
        assertEquals("second", node.awaitMessage("echo", WAIT).get("data").asText());
    }

    // ---------------------------------------------------------------- jipc client -> node-ipc server

    @ParameterizedTest(name = "jipc client -> node-ipc {0} server over {1}")
    @MethodSource("peers")
    void shouldTalkToNodeIpcServers(String version, String transport) throws Exception {
        Where w = where(transport);
        NodeIpcPeer node = nodeServer(version, w);
        BlockingQueue<Message> echoed = new LinkedBlockingQueue<>();
        BlockingQueue<String> lifecycle = new LinkedBlockingQueue<>();
        IpcClient client = w.connect(ipc("hello", w.root), "world", c -> {
            c.on("echo", echoed::add);
            c.on("connect", () -> lifecycle.add("connect"));
        });
        assertEquals("connect", lifecycle.poll(20, TimeUnit.SECONDS));
        node.awaitEvent("connect", WAIT);

        for (Object sample : SAMPLES) {
            client.emit("echo", sample).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(tree(sample), node.awaitMessage("echo", WAIT).get("data"), "node-ipc received " + sample);
            assertEquals(tree(sample), echoed.poll(20, TimeUnit.SECONDS).json(), "jipc got back " + sample);
        }
        client.emit("echo");
        assertEquals(JSON.createObjectNode(), node.awaitMessage("echo", WAIT).get("data"));
        assertEquals("{}", echoed.poll(20, TimeUnit.SECONDS).asText());

        client.emit("echo", MIB);
        assertEquals(MIB, node.awaitMessage("echo", WAIT).get("data").asText());
        assertEquals(MIB, echoed.poll(20, TimeUnit.SECONDS).asText());
    }

    @ParameterizedTest(name = "node-ipc {0} server broadcasts to jipc clients over {1}")
    @MethodSource("peers")
    void shouldReceiveBroadcastsFromNodeIpcServers(String version, String transport) throws Exception {
        Where w = where(transport);
        NodeIpcPeer node = nodeServer(version, w);
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        Ipc clients = ipc("hello", w.root);
        for (String id : List.of("a", "b")) {
            w.connect(clients, id, c -> c.on("news", d -> got.add(id + "=" + d.json().get("n").asInt())));
            node.awaitEvent("connect", WAIT);
        }
        node.call(cmd("op", "broadcast", "type", "news", "data", Map.of("n", 7)));
        List<String> seen = List.of(got.poll(20, TimeUnit.SECONDS), got.poll(20, TimeUnit.SECONDS));
        assertEquals(List.of("a=7", "b=7"), seen.stream().sorted().toList());
    }

    @ParameterizedTest(name = "jipc client reconnects to a restarted node-ipc {0} server over {1}")
    @MethodSource("peers")
    void shouldReconnectToARestartedNodeIpcServer(String version, String transport) throws Exception {
        Where w = where(transport);
        NodeIpcPeer node = nodeServer(version, w);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        IpcClient client = w.connect(ipc("hello", w.root), "world", c -> {
            c.on("connect", () -> events.add("connect"));
            c.on("disconnect", () -> events.add("disconnect"));
            c.on("echo", d -> events.add("echo:" + d.asText()));
        });
        assertEquals("connect", events.poll(20, TimeUnit.SECONDS));
        client.emit("echo", "first");
        assertEquals("echo:first", events.poll(20, TimeUnit.SECONDS));

        node.call(cmd("op", "stop", "destroySockets", true));
        assertEquals("disconnect", events.poll(20, TimeUnit.SECONDS));
        node.call(cmd("op", "start"));
        String next;
        do {
            next = events.poll(20, TimeUnit.SECONDS);
        } while ("disconnect".equals(next)); // refused attempts while the server was down
        assertEquals("connect", next);
        assertEquals(ConnectionState.CONNECTED, client.state());
        client.emit("echo", "second");
        assertEquals("echo:second", events.poll(20, TimeUnit.SECONDS));
    }

    /** The frame jipc's server sends is exactly what node-ipc's server sends (WIRE.md section 13). */
    @ParameterizedTest(name = "jipc and node-ipc {0} servers write identical bytes over {1}")
    @MethodSource("peers")
    void shouldWriteTheSameBytesAsNodeIpc(String version, String transport) throws Exception {
        Where w = where(transport);
        NodeIpcPeer node = nodeServer(version, w);
        byte[] fromNode = rawRoundTrip(w);
        node.close();
        Where mine = where(transport);
        IpcServer server = mine.serve(ipc("world", mine.root));
        server.on("echo", (data, socket) -> socket.emit("echo", data.json()));
        server.start();
        byte[] fromJipc = rawRoundTrip(mine);
        assertEquals(new String(fromNode, "UTF-8"), new String(fromJipc, "UTF-8"));
    }

    /** Sends one frame over a plain socket and returns the raw reply frame. */
    private static byte[] rawRoundTrip(Where w) throws Exception {
        java.net.SocketAddress address = w.transport.equals("unix")
                ? java.net.UnixDomainSocketAddress.of(w.root + "app.world")
                : new InetSocketAddress("127.0.0.1", w.port);
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(address)) {
            byte[] frame = "{\"type\":\"echo\",\"data\":{\"id\":\"client1\",\"n\":1,\"s\":\"é€\",\"a\":[1.5,null]}}\f"
                    .getBytes("UTF-8");
            ch.write(java.nio.ByteBuffer.wrap(frame));
            java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(4096);
            while (in.position() == 0 || in.get(in.position() - 1) != '\f') {
                if (ch.read(in) < 0) {
                    break;
                }
            }
            return Arrays.copyOf(in.array(), in.position());
        }
    }
}
