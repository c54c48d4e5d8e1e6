package io.jipc.interop;

import static io.jipc.interop.NodeIpcPeer.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;
import io.jipc.Message;
import io.jipc.UdpType;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
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
 * jipc UDP servers against real node-ipc 9.2.1 and 14.0.0 UDP servers ({@code serveNet(host, port, 'udp4'|'udp6')}),
 * both directions; udp6 only where the machine has an IPv6 loopback.
 */
class NodeIpcUdpInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<Object> SAMPLES = List.of("hello", Map.of("id", "client1", "n", 1, "s", "é€"),
            List.of(1, "two", List.of(3.5, true)), "é€ 😀 \u2028 \f \u0001 \"quoted\"", 0, false,
            "x".repeat(30_000));

    private final List<AutoCloseable> open = new ArrayList<>();

    static Stream<Arguments> peers() {
        List<UdpType> types = hasIpv6Loopback() ? List.of(UdpType.UDP4, UdpType.UDP6) : List.of(UdpType.UDP4);
        return Stream.of("9", "14").flatMap(v -> types.stream().map(t -> Arguments.of(v, t)));
    }

    static boolean hasIpv6Loopback() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            return s.getLocalAddress() instanceof Inet6Address;
        } catch (IOException e) {
            return false;
        }
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

    private static String host(UdpType type) {
        return type == UdpType.UDP4 ? "127.0.0.1" : "::1";
    }

    private IpcServer jipcServer(UdpType type, BlockingQueue<Message> got) {
        Ipc ipc = track(Ipc.create(IpcConfig.defaults().id("jipc").silent(true)));
        IpcServer server = ipc.serveNet(host(type), 0, type);
        server.on("*", (data, socket) -> {
            if (!"start".equals(data.type()) && !"connect".equals(data.type())) {
                got.add(data);
            }
        });
        server.start();
        return server;
    }

    private NodeIpcPeer nodeServer(String version, UdpType type, String... extra) {
        int port = NodeIpcPeer.freeUdpPort(host(type));
        List<String> args = new ArrayList<>(List.of("--role", "server", "--transport",
                type.name().toLowerCase(java.util.Locale.ROOT), "--host", host(type), "--port", String.valueOf(port)));
        args.addAll(List.of(extra));
        return track(NodeIpcPeer.start(version, args.toArray(String[]::new)));
    }

    private static Message take(BlockingQueue<Message> q) throws InterruptedException {
        Message m = q.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no datagram from node-ipc within " + WAIT);
        }
        return m;
    }

    @ParameterizedTest(name = "node-ipc {0} {1}")
    @MethodSource("peers")
    void shouldExchangeWithANodeIpcUdpServer(String version, UdpType type) throws Exception {
        NodeIpcPeer node = nodeServer(version, type, "--echo", "--events", "*");
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcServer jipc = jipcServer(type, got);
        InetSocketAddress nodeAddress = new InetSocketAddress(host(type), node.readyEvent().get("port").asInt());
        int jipcPort = ((InetSocketAddress) jipc.address()).getPort();
        for (Object sample : SAMPLES) {
            jipc.emit(nodeAddress, "message", sample).toCompletableFuture().get(10, TimeUnit.SECONDS);
            JsonNode seen = node.awaitMessage("message", WAIT);
            assertEquals(JSON.valueToTree(sample), seen.get("data"));
            assertEquals(jipcPort, seen.at("/from/port").asInt());
            Message echo = take(got);
            assertEquals("message", echo.type());
            assertEquals(JSON.valueToTree(sample), echo.json());
        }
        assertEquals(1, jipc.sockets().size(), "the node-ipc server is one peer");
        assertEquals(nodeAddress, jipc.sockets().get(0).remoteAddress());
    }

    @ParameterizedTest(name = "node-ipc {0} {1}")
    @MethodSource("peers")
    void shouldServeANodeIpcUdpPeer(String version, UdpType type) throws Exception {
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcServer jipc = jipcServer(type, got);
        jipc.on("message", (data, socket) -> socket.emit("echo", data));
        NodeIpcPeer node = nodeServer(version, type, "--events", "echo,news");
        int jipcPort = ((InetSocketAddress) jipc.address()).getPort();
        for (Object sample : SAMPLES) {
            node.call(cmd("op", "emit", "address", host(type), "port", jipcPort, "type", "message", "data", sample));
            assertEquals(JSON.valueToTree(sample), take(got).json());
            JsonNode echo = node.awaitMessage("echo", WAIT);
            assertEquals(JSON.valueToTree(sample), echo.get("data"));
            assertEquals(jipcPort, echo.at("/from/port").asInt(), "replies come from the server's port");
        }
        node.call(cmd("op", "emit", "address", host(type), "port", jipcPort, "type", "message"));
        assertEquals("{}", take(got).asText(), "emit(type) with no data arrives as {}");
        node.awaitMessage("echo", WAIT);

        // jipc broadcasts to every peer heard from: the node-ipc server is one
        jipc.broadcast("news", Map.of("n", 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(JSON.valueToTree(Map.of("n", 1)), node.awaitMessage("news", WAIT).get("data"));
    }

    @ParameterizedTest(name = "node-ipc {0} {1}")
    @MethodSource("peers")
    void shouldReceiveNodeIpcBroadcastsOnlyFromVersion14(String version, UdpType type) throws Exception {
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcServer jipc = jipcServer(type, got);
        NodeIpcPeer node = nodeServer(version, type, "--events", "hello");
        InetSocketAddress nodeAddress = new InetSocketAddress(host(type), node.readyEvent().get("port").asInt());
        jipc.emit(nodeAddress, "hello", 1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        node.awaitMessage("hello", WAIT); // node-ipc has now heard from jipc
        node.call(cmd("op", "broadcast", "type", "news", "data", Map.of("n", 2)));
        if (version.equals("14")) {
            Message news = take(got);
            assertEquals("news", news.type());
            assertEquals("{\"n\":2}", news.asText());
        } else {
            // node-ipc 9.x's UDP broadcast loops over sockets[1..], which is empty: it sends nothing
            assertTrue(got.poll(500, TimeUnit.MILLISECONDS) == null, "node-ipc 9 UDP broadcast sent something");
        }
    }
}
