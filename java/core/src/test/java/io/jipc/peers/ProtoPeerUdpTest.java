package io.jipc.peers;

import static io.jipc.peers.ProtoPeer.JSON;
import static io.jipc.peers.ProtoPeer.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import io.jipc.Message;
import io.jipc.UdpType;
import io.jipc.Wire;
import io.jipc.peers.ProtoPeer.Lang;
import io.jipc.peers.testproto.Order;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Python and Node peers against jipc UDP servers (proto/README.md section 4): one preamble and one delimited
 * Envelope per datagram, the codec recognised per datagram, a bad datagram reported and dropped.
 */
class ProtoPeerUdpTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close(); // ProtoPeer.close destroys the process forcibly whatever happened
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    private IpcServer udpServer(Wire wire) {
        return track(Ipc.create(IpcConfig.defaults().id("world").silent(true).wire(wire)))
                .serveNet("127.0.0.1", 0, UdpType.UDP4);
    }

    private static int port(IpcServer server) {
        return ((InetSocketAddress) server.address()).getPort();
    }

    /** JSON equality with numbers compared by value (1 and 1.0 are the same JavaScript number). */
    private static boolean sameJson(JsonNode expected, JsonNode actual) {
        return expected.equals((a, b) -> a.isNumber() && b.isNumber() ? Double.compare(a.asDouble(), b.asDouble())
                : a.equals(b) ? 0 : 1, actual);
    }

    private static <T> T take(BlockingQueue<T> q) throws InterruptedException {
        T m = q.poll(20, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("nothing within 20 s");
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void shouldExchangeProtoDatagramsWithAJipcUdpServer(Lang lang) throws Exception {
        IpcServer server = udpServer(Wire.AUTO);
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        server.on("kind", (msg, socket) -> {
            got.add(msg);
            socket.emit("kind", msg.json()); // answered in the codec of the sender's last datagram: proto
        });
        server.on("order", Order.class, (order, msg, socket) -> socket.emit("order", order));
        server.on("error", (msg, socket) -> errors.add(msg.error().map(IpcException::code).orElse("?")));
        server.start();
        ProtoPeer peer = track(ProtoPeer.start(lang, "--role", "client", "--transport", "udp4", "--port",
                String.valueOf(port(server))));

        for (String json : PeerWireTest.JSON_KINDS) {
            peer.call(op("emit", "type", "kind", "data", JSON.readTree(json)));
            assertTrue(sameJson(JSON.readTree(json), take(got).json()), "jipc received " + json);
            JsonNode echoed = peer.awaitEvent("message");
            assertEquals(port(server), echoed.at("/from/port").asInt());
            assertTrue(sameJson(JSON.readTree(json), echoed.get("data")), "the peer received " + echoed);
        }
        ObjectNode typed = JSON.createObjectNode().put("type", "jipc.peertest.v1.Order");
        typed.set("json", JSON.readTree(JsonFormat.printer().print(PeerWireTest.ORDER)));
        peer.call(op("emit", "type", "order", "typed", typed));
        Order.Builder back = Order.newBuilder();
        JsonFormat.parser().merge(peer.awaitEvent("message").at("/typed/json").toString(), back);
        assertEquals(PeerWireTest.ORDER, back.build());

        // preamble, then an Envelope of 2 bytes followed by one more: reported, dropped, the server goes on
        peer.call(op("sendRaw", "base64", Base64.getEncoder().encodeToString(
                java.util.HexFormat.of().parseHex("8f6a69706301020a0000"))));
        assertEquals("EMALFORMED", take(errors));
        peer.call(op("emit", "type", "kind", "data", "after"));
        assertEquals("after", take(got).asText());
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void shouldSendProtoDatagramsFromAProtoUdpServerToAPeerNotHeardFrom(Lang lang) throws Exception {
        ProtoPeer peer = track(ProtoPeer.start(lang, "--role", "server", "--transport", "udp4", "--echo"));
        IpcServer server = udpServer(Wire.PROTO);
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        server.on("hello", (msg, socket) -> got.add(msg));
        server.start();
        server.emit(new InetSocketAddress("127.0.0.1", peer.ready().get("port").asInt()), "hello",
                JSON.readTree("{\"n\":[1,\"x\",null]}"));
        JsonNode seen = peer.awaitEvent("message");
        assertEquals(port(server), seen.at("/from/port").asInt());
        assertEquals(JSON.readTree("{\"n\":[1,\"x\",null]}"), seen.get("data"));
        assertEquals("{\"n\":[1,\"x\",null]}", take(got).json().toString()); // the peer's echo
    }
}
