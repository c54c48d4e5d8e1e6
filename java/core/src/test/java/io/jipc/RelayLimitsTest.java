package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import io.jipc.proto.v1.Envelope;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A relay ({@code jipc serve --relay}: every received message broadcast to every peer) serving JSON and protobuf peers:
 * what one codec can spell and the other cannot carry (an empty type, data nested past the common limit, a lone
 * surrogate) is refused at the sender's side, once, with an error naming that sender; the protobuf peers, parsing with
 * protobuf-java's defaults (recursion limit 100), never see a frame they reject and stay connected.
 */
class RelayLimitsTest {
    private static final byte[] PREAMBLE = {(byte) 0x8F, 'j', 'i', 'p', 'c', 1};
    /** The nesting limit of both codecs (proto/README.md, section 7). */
    private static final int MAX_DEPTH = 33;
    private final List<Ipc> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(Ipc::close);
    }

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    /** Data nested {@code depth} levels deep, objects and arrays in turn (objects cost protobuf most). */
    private static String nested(int depth, boolean objectsOnly) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            boolean obj = objectsOnly || i % 2 == 0;
            open.append(obj ? "{\"k\":" : "[");
            close.insert(0, obj ? "}" : "]");
        }
        return open + "1" + close;
    }

    private static byte[] json(String frame) {
        return (frame + "\f").getBytes(StandardCharsets.UTF_8);
    }

    /** A raw protobuf peer's bytes: the preamble, then one delimited Envelope of type ev holding {@code data}. */
    private static byte[] proto(Value data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(PREAMBLE);
        Envelope.newBuilder().setType("ev").setData(data).build().writeDelimitedTo(out);
        return out.toByteArray();
    }

    private static Value lists(int depth) {
        Value v = Value.newBuilder().setNumberValue(1).build();
        for (int i = 0; i < depth; i++) {
            v = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(v)).build();
        }
        return v;
    }

    /** How deeply arrays and objects nest in a Value (0 for a scalar). */
    private static int depth(Value v) {
        List<Value> children = v.hasStructValue() ? new ArrayList<>(v.getStructValue().getFieldsMap().values())
                : v.hasListValue() ? v.getListValue().getValuesList() : null;
        if (children == null) {
            return 0;
        }
        int d = 0;
        for (Value c : children) {
            d = Math.max(d, depth(c));
        }
        return 1 + d;
    }

    static List<Arguments> refused() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        int over = MAX_DEPTH + 1;
        for (Net net : Net.values()) {
            cases.add(Arguments.of(net, "empty type", json("{\"type\":\"\",\"data\":1}"),
                    "frame type is empty (a type is required: proto/README.md, section 1)"));
            cases.add(Arguments.of(net, "JSON nested 34", json("{\"type\":\"ev\",\"data\":" + nested(over, false) + "}"),
                    "data nested deeper than 33 levels (nesting depth limit of both codecs"));
            cases.add(Arguments.of(net, "JSON objects nested 34", json("{\"type\":\"ev\",\"data\":" + nested(over, true)
                    + "}"), "data nested deeper than 33 levels"));
            cases.add(Arguments.of(net, "lone surrogate", json("{\"type\":\"ev\",\"data\":[\"ok\",\"x\\ud800\"]}"),
                    "lone surrogate \\ud800 at byte 28 (not Unicode text; a protobuf peer could not receive it)"));
            cases.add(Arguments.of(net, "protobuf nested 34", proto(lists(over)),
                    "malformed envelope: data nested deeper than 33 levels"));
        }
        return cases;
    }

    /** Reads what a protobuf peer receives, parsing each envelope with protobuf-java's defaults. */
    private static BlockingQueue<Object> reader(SocketChannel ch) {
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (InputStream in = Channels.newInputStream(ch)) {
                Envelope e;
                while ((e = Envelope.parseDelimitedFrom(in)) != null) {
                    got.add(e);
                }
                got.add("closed");
            } catch (Exception e) {
                got.add(e);
            }
        }, "proto-peer-reader");
        t.setDaemon(true);
        t.start();
        return got;
    }

    private static SocketChannel connect(Net net, IpcServer server) throws Exception {
        if (net == Net.UNIX) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(server.address());
            return ch;
        }
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", Net.port(server)));
    }

    private static void send(SocketChannel ch, byte[] bytes) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static <T> T take(BlockingQueue<T> q) throws InterruptedException {
        T t = q.poll(10, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("nothing within 10 s");
        }
        return t;
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("refused")
    void shouldRefuseAtTheSenderWhatTheOtherCodecCannotCarry(Net net, String name, byte[] bad, String reason)
            throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        server.on("*", (m, s) -> {
            switch (m.type()) {
                case "error" -> events.add("error:" + m.error().get().code() + ":" + s.id() + ":"
                        + m.error().get().getMessage());
                case "socket.disconnected" -> events.add("gone:" + s.id());
                case "connect", "start", "close", "destroy", "disconnect", "data" -> { }
                default -> server.broadcast(m.type(), m); // what serve --relay does
            }
        });
        server.start();
        try (SocketChannel protoPeer = connect(net, server); SocketChannel sender = connect(net, server)) {
            send(protoPeer, PREAMBLE); // socket 1
            BlockingQueue<Object> got = reader(protoPeer);
            BlockingQueue<String> jsonGot = new LinkedBlockingQueue<>();
            IpcClient good = net.connect(ipc(Net.config("good", root)), "world", server,
                    c -> c.on("ev", d -> jsonGot.add(d.asText())));
            good.emit("ev", "before");
            assertEquals("before", ((Envelope) take(got)).getData().getStringValue());
            assertEquals("before", take(jsonGot));

            send(sender, bad); // socket 2 or 3, whichever connected second
            String err = take(events);
            assertTrue(err.startsWith("error:EMALFORMED:"), err);
            assertTrue(err.contains(reason), err + " (expected " + reason + ")");
            String senderId = err.split(":")[2];
            assertEquals("gone:" + senderId, take(events));
            ByteBuffer b = ByteBuffer.allocate(256);
            sender.configureBlocking(true);
            int n;
            while ((n = sender.read(b.clear())) > 0) {
                // what was relayed to the sender before its bad frame
            }
            assertEquals(-1, n, "the sender's connection is closed");

            good.emit("ev", "after");
            Object next = take(got);
            assertTrue(next instanceof Envelope, "the protobuf peer parses what comes next: " + next);
            assertEquals("after", ((Envelope) next).getData().getStringValue(), "nothing was relayed before it");
            assertEquals("after", take(jsonGot));
            assertNull(events.poll(100, TimeUnit.MILLISECONDS), "one error, for the sender only");
        }
    }

    static List<Arguments> clients() {
        List<Arguments> cases = new ArrayList<>();
        for (Net net : Net.values()) {
            for (Wire wire : new Wire[] {Wire.JSON, Wire.PROTO}) {
                cases.add(Arguments.of(net, wire));
            }
        }
        return cases;
    }

    /** What no jipc peer would accept is refused when emitted (EDATA), in both codecs, and nothing is sent. */
    @ParameterizedTest(name = "{1} client over {0}")
    @MethodSource("clients")
    void shouldRefuseToSendWhatNoPeerAccepts(Net net, Wire wire) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        server.on("*", (m, s) -> {
            if (!List.of("start", "connect", "socket.disconnected", "close").contains(m.type())) {
                got.add(m.type() + " " + (m.hasData() ? m.json().toString() : "-"));
            }
        });
        server.start();
        IpcClient client = net.connect(ipc(Net.config("c", root).wire(wire)), "world", server);
        List<Object> deep = List.of(1);
        for (int i = 1; i <= MAX_DEPTH; i++) {
            deep = List.of(deep); // 34 levels at the end
        }
        Object[][] refused = {{"", 1}, {"\udc00", 1}, {"ev", "x\ud800"}, {"ev", java.util.Map.of("\ud83d", 1)},
            {"ev", deep}, {"ev", Value.newBuilder().setListValue(ListValue.newBuilder().addValues(
                Value.newBuilder().setStringValue("\udbff"))).build()}};
        for (Object[] r : refused) {
            java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> client.emit((String) r[0], r[1])
                            .toCompletableFuture().get(10, TimeUnit.SECONDS));
            IpcException cause = org.junit.jupiter.api.Assertions.assertInstanceOf(IpcException.class, e.getCause());
            assertEquals("EDATA", cause.code(), cause.getMessage());
        }
        client.emit("ev", deep.get(0)).toCompletableFuture().get(10, TimeUnit.SECONDS); // 33 levels: sent
        String at = take(got);
        assertTrue(at.startsWith("ev [[[["), at);
        assertNull(got.poll(100, TimeUnit.MILLISECONDS), "nothing else reached the server: " + at);
    }

    static List<Arguments> accepted() {
        List<Arguments> cases = new ArrayList<>();
        for (Net net : Net.values()) {
            for (boolean objects : new boolean[] {true, false}) {
                cases.add(Arguments.of(net, objects));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "objects only: {1} over {0}")
    @MethodSource("accepted")
    void shouldRelayDataAtTheDepthLimitToProtobufPeersWithDefaultLimits(Net net, boolean objects) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        server.on("ev", (m, s) -> server.broadcast(m.type(), m));
        server.start();
        try (SocketChannel protoPeer = connect(net, server); SocketChannel sender = connect(net, server)) {
            send(protoPeer, PREAMBLE);
            BlockingQueue<Object> got = reader(protoPeer);
            String data = nested(MAX_DEPTH, objects);
            send(sender, json("{\"type\":\"ev\",\"data\":" + data + "}"));
            Object e = take(got);
            assertTrue(e instanceof Envelope, "protobuf-java parses it with its default recursion limit: " + e);
            assertEquals(MAX_DEPTH, depth(((Envelope) e).getData()));
        }
    }
}
