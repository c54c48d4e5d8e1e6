package io.jipc.interop;

import static io.jipc.interop.NodeIpcPeer.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import io.jipc.Message;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * jipc TLS against real node-ipc 9.2.1 and 14.0.0, both directions, with mutual authentication (node-ipc's
 * "most secure" setup), TLS 1.3 and 1.2, and the refusal cases. Certificates come from {@link TestCerts}.
 */
class NodeIpcTlsInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final TestCerts CERTS = TestCerts.get();
    private static final List<Object> SAMPLES = List.of("hello", Map.of("id", "client1", "n", 1, "s", "é€"),
            List.of(1, "two"), "é€ 😀 \f \"q\"", 0, false, "x".repeat(200_000));

    private final List<AutoCloseable> open = new ArrayList<>();

    static Stream<Arguments> peers() {
        return Stream.of("9", "14").flatMap(v -> Stream.of("TLSv1.3", "TLSv1.2").map(t -> Arguments.of(v, t)));
    }

    static Stream<String> versions() {
        return Stream.of("9", "14");
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

    /** node-ipc's tls option as JSON for {@code --config}; maxVersion is passed through to node's tls. */
    private static String nodeTls(String key, String cert, String protocol, boolean server) {
        Map<String, Object> tls = new LinkedHashMap<>();
        tls.put("private", CERTS.path(key + ".key"));
        tls.put("public", CERTS.path(cert + ".pem"));
        tls.put("trustedConnections", List.of(CERTS.path("ca.pem")));
        if (server) {
            tls.put("requestCert", true);
            tls.put("rejectUnauthorized", true);
        }
        tls.put("maxVersion", protocol);
        try {
            return JSON.writeValueAsString(Map.of("tls", tls));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Ipc ipc(String id, IpcConfig.Tls tls) {
        return track(Ipc.create(IpcConfig.defaults().id(id).silent(true).retry(Duration.ofMillis(100)).tls(tls)));
    }

    private static IpcConfig.Tls jipcServerTls() {
        return IpcConfig.Tls.create().privateKey(CERTS.path("server.key")).publicCert(CERTS.path("server.pem"))
                .trustedConnections(CERTS.path("ca.pem")).requestCert(true);
    }

    private static IpcConfig.Tls jipcClientTls() {
        return IpcConfig.Tls.create().privateKey(CERTS.path("client.key")).publicCert(CERTS.path("client.pem"))
                .trustedConnections(CERTS.path("ca.pem"));
    }

    private NodeIpcPeer nodeServer(String version, String config) {
        int port = NodeIpcPeer.freeTcpPort();
        return track(NodeIpcPeer.start(version, "--role", "server", "--transport", "tcp", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--id", "world", "--echo", "--events", "*", "--config", config));
    }

    private NodeIpcPeer nodeClient(String version, int port, String config, String... extra) {
        List<String> args = new ArrayList<>(List.of("--role", "client", "--transport", "tcp", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--server-id", "world", "--retry", "100", "--events", "echo,news",
                "--config", config));
        args.addAll(List.of(extra));
        return track(NodeIpcPeer.start(version, args.toArray(String[]::new)));
    }

    private static Message take(BlockingQueue<Message> q) throws InterruptedException {
        Message m = q.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("nothing from node-ipc within " + WAIT);
        }
        return m;
    }

    @ParameterizedTest(name = "node-ipc {0} {1}")
    @MethodSource("peers")
    void shouldTalkToANodeIpcTlsServerWithMutualAuth(String version, String protocol) throws Exception {
        NodeIpcPeer node = nodeServer(version, nodeTls("server", "server", protocol, true));
        int port = node.readyEvent().get("port").asInt();
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        IpcClient client = ipc("hello", jipcClientTls()).connectToNet("world", "127.0.0.1", port, c -> {
            c.on("connect", () -> events.add("connect"));
            c.on("error", m -> events.add("error " + m.asText()));
            c.on("message", got::add);
        });
        assertEquals("connect", events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        for (Object sample : SAMPLES) {
            client.emit("message", sample);
            assertEquals(JSON.valueToTree(sample), node.awaitMessage("message", WAIT).get("data"));
            assertEquals(JSON.valueToTree(sample), take(got).json());
        }
        node.call(cmd("op", "broadcast", "type", "message", "data", Map.of("n", 1)));
        assertEquals("{\"n\":1}", take(got).asText());
    }

    @ParameterizedTest(name = "node-ipc {0} {1}")
    @MethodSource("peers")
    void shouldServeANodeIpcTlsClientWithMutualAuth(String version, String protocol) throws Exception {
        IpcServer server = ipc("world", jipcServerTls()).serveNet("127.0.0.1", 0);
        server.on("message", (data, socket) -> socket.emit("echo", data));
        server.start();
        int port = ((InetSocketAddress) server.address()).getPort();
        NodeIpcPeer node = nodeClient(version, port, nodeTls("client", "client", protocol, false));
        node.awaitEvent("connect", WAIT);
        for (Object sample : SAMPLES) {
            node.call(cmd("op", "emit", "type", "message", "data", sample));
            assertEquals(JSON.valueToTree(sample), node.awaitMessage("echo", WAIT).get("data"));
        }
        server.broadcast("news", Map.of("n", 2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(JSON.valueToTree(Map.of("n", 2)), node.awaitMessage("news", WAIT).get("data"));
    }

    @ParameterizedTest(name = "node-ipc {0}")
    @MethodSource("versions")
    void shouldRefuseAnUntrustedNodeIpcClient(String version) throws Exception {
        IpcServer server = ipc("world", jipcServerTls()).serveNet("127.0.0.1", 0);
        BlockingQueue<Message> errors = new LinkedBlockingQueue<>();
        server.on("error", (d, s) -> errors.add(d));
        BlockingQueue<String> connects = new LinkedBlockingQueue<>();
        server.on("connect", (d, s) -> connects.add("connect"));
        server.start();
        int port = ((InetSocketAddress) server.address()).getPort();
        NodeIpcPeer node = nodeClient(version, port, nodeTls("rogue", "rogue", "TLSv1.3", false),
                "--max-retries", "0");
        IpcException e = take(errors).error().orElseThrow();
        assertEquals("ECERTUNTRUSTED", e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("client's certificate is not trusted"), e.getMessage());
        JsonNode nodeError = node.awaitEvent("error", WAIT);
        assertTrue(nodeError.toString().toLowerCase(java.util.Locale.ROOT).contains("certificate"),
                nodeError.toString());
        assertTrue(connects.isEmpty(), "an untrusted client must not connect");
    }

    @ParameterizedTest(name = "node-ipc {0}")
    @MethodSource("versions")
    void shouldRefuseAnUntrustedNodeIpcServer(String version) throws Exception {
        NodeIpcPeer node = nodeServer(version, nodeTls("rogue", "rogue", "TLSv1.3", true));
        int port = node.readyEvent().get("port").asInt();
        BlockingQueue<Message> errors = new LinkedBlockingQueue<>();
        ipc("hello", jipcClientTls()).connectToNet("world", "127.0.0.1", port, c -> c.on("error", errors::add));
        IpcException e = take(errors).error().orElseThrow();
        assertEquals("ECERTUNTRUSTED", e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("server's certificate is not trusted"), e.getMessage());
        assertTrue(node.poll(ev -> "connect".equals(ev.path("event").asText()), Duration.ofMillis(300)).isEmpty()
                || version.equals("9"), "node-ipc 14 must not report a connection");
    }
}
