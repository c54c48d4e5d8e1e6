package io.jipc.interop;

import static io.jipc.interop.NodeIpcPeer.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import io.jipc.IpcSocket;
import io.jipc.Message;
import io.jipc.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 4 against the real node-ipc 9.2.1 and 14.0.0: one AUTO server serving node-ipc JSON clients and protobuf
 * clients at once (broadcast to both), and jipc requests (the extra "id" key) reaching node-ipc as ordinary events.
 */
class NodeIpcProtoInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

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

    private Ipc ipc(IpcConfig config) {
        return track(Ipc.create(config));
    }

    private static IpcConfig config(String id, String root) {
        return IpcConfig.defaults().id(id).socketRoot(root).silent(true).retry(Duration.ofMillis(100));
    }

    private record Where(String transport, String root, int port) {
        String[] peerArgs(String... extra) {
            List<String> a = new ArrayList<>(transport.equals("unix") ? List.of("--transport", "unix", "--socket-root",
                    root) : List.of("--transport", "tcp", "--host", "127.0.0.1", "--port", String.valueOf(port)));
            a.addAll(List.of(extra));
            return a.toArray(String[]::new);
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

    private static IpcException failure(CompletionStage<?> s) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> s.toCompletableFuture().get(20, TimeUnit.SECONDS));
        return assertInstanceOf(IpcException.class, e.getCause());
    }

    @ParameterizedTest(name = "node-ipc {0} JSON client and a protobuf client on one jipc server over {1}")
    @MethodSource("peers")
    void shouldServeNodeIpcAndProtoClientsAtOnce(String version, String transport) throws Exception {
        Where w = where(transport);
        IpcServer server = w.serve(ipc(config("world", w.root)));
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        BlockingQueue<IpcSocket> sockets = new LinkedBlockingQueue<>();
        server.on("echo", (data, socket) -> {
            got.add(data.asText());
            sockets.add(socket);
            socket.emit("echo", data);
        });
        server.start();

        NodeIpcPeer node = track(NodeIpcPeer.start(version, w.peerArgs("--role", "client", "--server-id", "world",
                "--retry", "100", "--events", "echo,news,ask")));
        node.awaitEvent("connect", WAIT);
        BlockingQueue<String> protoGot = new LinkedBlockingQueue<>();
        IpcClient proto = w.connect(ipc(config("p", w.root).wire(Wire.PROTO)), "world", c -> {
            c.on("news", d -> protoGot.add("news:" + d.asText()));
            c.on("echo", d -> protoGot.add("echo:" + d.asText()));
        });

        node.call(cmd("op", "emit", "type", "echo", "data", Map.of("from", "node")));
        assertEquals("{\"from\":\"node\"}", got.poll(20, TimeUnit.SECONDS));
        IpcSocket nodeSocket = sockets.poll(20, TimeUnit.SECONDS);
        assertEquals(JSON.valueToTree(Map.of("from", "node")), node.awaitMessage("echo", WAIT).get("data"));
        proto.emit("echo", Map.of("from", "proto"));
        assertEquals("{\"from\":\"proto\"}", got.poll(20, TimeUnit.SECONDS));
        assertEquals("echo:{\"from\":\"proto\"}", protoGot.poll(20, TimeUnit.SECONDS));

        // one broadcast, both codecs
        server.broadcast("news", Map.of("n", 7, "s", "é€")).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(JSON.valueToTree(Map.of("n", 7, "s", "é€")), node.awaitMessage("news", WAIT).get("data"));
        assertTrue(protoGot.poll(20, TimeUnit.SECONDS).matches("news:\\{\"[ns]\".*"));
        // a protobuf message reaches node-ipc as its proto3 JSON form
        server.broadcast("news", Timestamp.newBuilder().setSeconds(1).build()).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        assertEquals("1970-01-01T00:00:01Z", node.awaitMessage("news", WAIT).get("data").asText());
        assertEquals("news:1970-01-01T00:00:01Z", protoGot.poll(20, TimeUnit.SECONDS));

        // a server-side request to a node-ipc client: node-ipc sees an ordinary event and never answers
        CompletionStage<Message> ask = nodeSocket.request("ask", Map.of("q", 1), Duration.ofMillis(500));
        JsonNode asked = node.awaitMessage("ask", WAIT);
        assertEquals(JSON.valueToTree(Map.of("q", 1)), asked.get("data"));
        assertEquals("ETIMEDOUT", failure(ask).code());
    }

    @ParameterizedTest(name = "jipc request to a node-ipc {0} server over {1}")
    @MethodSource("peers")
    void shouldDeliverRequestsToNodeIpcAsEvents(String version, String transport) throws Exception {
        Where w = where(transport);
        NodeIpcPeer node = track(NodeIpcPeer.start(version, w.peerArgs("--role", "server", "--id", "world",
                "--events", "*")));
        BlockingQueue<String> lifecycle = new LinkedBlockingQueue<>();
        IpcClient client = w.connect(ipc(config("hello", w.root)), "world", c -> c.on("connect",
                () -> lifecycle.add("connect")));
        assertEquals("connect", lifecycle.poll(20, TimeUnit.SECONDS));
        node.awaitEvent("connect", WAIT);

        CompletionStage<Message> r = client.request("ask", List.of(1, "two", Map.of("x", true)), Duration.ofMillis(500));
        JsonNode m = node.awaitMessage("ask", WAIT);
        assertEquals(JSON.valueToTree(List.of(1, "two", Map.of("x", true))), m.get("data"));
        assertEquals("ETIMEDOUT", failure(r).code());
        // and the connection carries on normally
        client.emit("plain", "after").toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals("after", node.awaitMessage("plain", WAIT).get("data").asText());
    }
}
