package io.jipc.peers;

import static io.jipc.peers.ProtoPeer.JSON;
import static io.jipc.peers.ProtoPeer.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import io.jipc.IpcSocket;
import io.jipc.Message;
import io.jipc.Wire;
import io.jipc.interop.NodeIpcPeer;
import io.jipc.peers.ProtoPeer.Lang;
import io.jipc.peers.testproto.Order;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jipc against the Python and Node protobuf peers of {@code ci/peers} (written from proto/README.md alone), in both
 * directions, over Unix sockets and TCP: every JSON kind, a typed payload of the test schema, opaque bytes,
 * request/response both ways, broadcast to node-ipc JSON clients and proto clients at once, and bad input.
 */
class ProtoPeerInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> JSON_KINDS = PeerWireTest.JSON_KINDS;
    private static final Order ORDER = PeerWireTest.ORDER;
    private static final JsonNode ORDER_JSON = orderJson();

    private final List<AutoCloseable> open = new ArrayList<>();
    private final java.util.Set<Thread> threadsBefore = new java.util.HashSet<>();

    static Stream<Arguments> peers() {
        return Stream.of(Lang.values()).flatMap(l -> Stream.of("unix", "tcp").map(t -> Arguments.of(l, t)));
    }

    @BeforeEach
    void noteThreads() {
        threadsBefore.addAll(ioThreads());
    }

    private static List<Thread> ioThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jipc-io")).toList();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close(); // ProtoPeer.close destroys the process forcibly whatever happened
        }
        // Ipc.close returns once the I/O thread signalled its end, a moment before the thread itself ends; let it
        // end here, so that tests counting jipc threads after this class (ResourceTest) do not see ours.
        for (Thread t : ioThreads()) {
            if (!threadsBefore.contains(t)) {
                t.join(5000);
            }
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    // ---------------------------------------------------------------------------------------------------- set-up

    private static JsonNode orderJson() {
        try {
            return JSON.readTree(JsonFormat.printer().print(ORDER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON equality with numbers compared by value (1 and 1.0 are the same JavaScript number). */
    private static void assertSameJson(JsonNode expected, JsonNode actual, String what) {
        Comparator<JsonNode> numbersByValue = (a, b) -> {
            if (a.isNumber() && b.isNumber()) {
                return Double.compare(a.asDouble(), b.asDouble());
            }
            return a.equals(b) ? 0 : 1;
        };
        assertTrue(expected.equals(numbersByValue, actual), what + ": expected " + expected + " but was " + actual);
    }

    private static String tempRoot() {
        return ProtoPeer.tempDir() + "/";
    }

    private Ipc ipc(String id, String root, Wire wire) {
        return track(Ipc.create(IpcConfig.defaults().id(id).socketRoot(root).silent(true)
                .retry(Duration.ofMillis(100)).wire(wire).maxFrameBytes(64 * 1024)));
    }

    /** A started jipc server (wire AUTO, the default) on the transport, with handlers added by {@code setup}. */
    private IpcServer jipcServer(String transport, String root, Consumer<IpcServer> setup) {
        Ipc ipc = ipc("world", root, Wire.AUTO);
        IpcServer server = transport.equals("unix") ? ipc.serve() : ipc.serveNet("127.0.0.1", 0);
        setup.accept(server);
        server.start();
        return server;
    }

    /** The peer options that reach a jipc server. */
    private static String[] reach(IpcServer server, String transport) {
        return transport.equals("unix")
                ? new String[] {"--transport", "unix", "--path",
                        ((UnixDomainSocketAddress) server.address()).getPath().toString()}
                : new String[] {"--transport", "tcp", "--port",
                        String.valueOf(((InetSocketAddress) server.address()).getPort())};
    }

    private ProtoPeer peerClient(Lang lang, IpcServer server, String transport, String... extra) {
        String[] args = Stream.concat(Stream.of("--role", "client"),
                Stream.concat(Stream.of(reach(server, transport)), Stream.of(extra))).toArray(String[]::new);
        return track(ProtoPeer.start(lang, args));
    }

    private ProtoPeer peerServer(Lang lang, String transport, String root, String... extra) {
        String[] args = Stream.concat(Stream.of("--role", "server", "--transport", transport, "--path",
                root + "peer.sock"), Stream.of(extra)).toArray(String[]::new);
        return track(ProtoPeer.start(lang, args));
    }

    /** A jipc client in proto mode connected to a peer server, with handlers added by {@code setup} first. */
    private IpcClient jipcClient(ProtoPeer server, String transport, String root, Consumer<IpcClient> setup) {
        Ipc ipc = ipc("hello", root, Wire.PROTO);
        IpcClient client = transport.equals("unix") ? ipc.connectTo("peer", root + "peer.sock", setup)
                : ipc.connectToNet("peer", "127.0.0.1", server.ready().get("port").asInt(), setup);
        server.awaitEvent("connect");
        return client;
    }

    private static <T> T take(BlockingQueue<T> q) throws InterruptedException {
        T m = q.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("nothing within " + WAIT);
        }
        return m;
    }

    private static <T> T await(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static IpcException failure(CompletionStage<?> s) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> s.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        return assertInstanceOf(IpcException.class, e.getCause());
    }

    private static ObjectNode typedOrder() {
        ObjectNode typed = JSON.createObjectNode().put("type", "jipc.peertest.v1.Order");
        typed.set("json", ORDER_JSON);
        return typed;
    }

    private static Order parseOrder(JsonNode json) throws InvalidProtocolBufferException {
        Order.Builder b = Order.newBuilder();
        JsonFormat.parser().merge(json.toString(), b);
        return b.build();
    }

    // ------------------------------------------------------------------------------------ peer client, jipc server

    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("peers")
    void shouldExchangeEveryJsonKindWithAJipcServer(Lang lang, String transport) throws Exception {
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcServer server = jipcServer(transport, tempRoot(), s -> {
            s.on("kind", (msg, socket) -> {
                got.add(msg);
                socket.emit("kind", msg.json()); // back as a JSON tree: encoded anew, not relayed
            });
            s.on("none", (msg, socket) -> {
                got.add(msg);
                socket.emit("none", null);
            });
        });
        ProtoPeer peer = peerClient(lang, server, transport);
        for (String json : JSON_KINDS) {
            peer.call(op("emit", "type", "kind", "data", tree(json)));
            assertSameJson(tree(json), take(got).json(), "jipc received from the " + lang.label() + " peer");
            assertSameJson(tree(json), peer.awaitEvent("message").get("data"), "the peer received from jipc");
        }
        // no payload at all means no data; jipc sends {} for no data (spec section 2), as node-ipc does
        peer.call(op("emit", "type", "none"));
        assertFalse(take(got).hasData());
        assertEquals(tree("{}"), peer.awaitEvent("message").get("data"));
    }

    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("peers")
    void shouldCarryTypedAndOpaquePayloadsWithAJipcServer(Lang lang, String transport) throws Exception {
        BlockingQueue<Order> orders = new LinkedBlockingQueue<>();
        BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        IpcServer server = jipcServer(transport, tempRoot(), s -> {
            s.on("order", Order.class, (order, msg, socket) -> {
                orders.add(order);
                socket.emit("order", order.toBuilder().setQuantity(order.getQuantity() + 1).build());
            });
            s.on("chunk", (msg, socket) -> {
                chunks.add(msg.bytes());
                socket.emit("chunk", msg.bytes());
            });
        });
        ProtoPeer peer = peerClient(lang, server, transport);
        peer.call(op("emit", "type", "order", "typed", typedOrder()));
        assertEquals(ORDER, take(orders));
        JsonNode typed = peer.awaitEvent("message").get("typed");
        assertEquals("jipc.peertest.v1.Order", typed.get("type").asText());
        assertEquals(ORDER.toBuilder().setQuantity(4).build(), parseOrder(typed.get("json")));

        byte[] bytes = {0, 1, (byte) 0xfe, (byte) 0xff, '\f', '{'};
        peer.call(op("emit", "type", "chunk", "opaque", Base64.getEncoder().encodeToString(bytes)));
        assertEquals(List.of(bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]), boxed(take(chunks)));
        assertEquals(Base64.getEncoder().encodeToString(bytes), peer.awaitEvent("message").get("opaque").asText());
    }

    /**
     * Issue #13: what {@code jipc serve --echo} does (print the data as JSON, then send the message back) works for a
     * typed payload of a class the server does not have (echoed as it came; JSON form {@code {"@type","value"}}) and
     * for opaque bytes as large as maxFrameBytes admits (their base64 form is 4/3 that size).
     */
    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("peers")
    void shouldEchoUnknownTypedAndFrameSizedOpaquePayloadsLikeJipcServe(Lang lang, String transport)
            throws Exception {
        BlockingQueue<String> shown = new LinkedBlockingQueue<>();
        IpcServer server = jipcServer(transport, tempRoot(), s -> {
            for (String type : List.of("unknown", "chunk")) {
                s.on(type, (msg, socket) -> {
                    String json = msg.json().toString(); // as the CLI prints it
                    shown.add(json.length() > 100 ? json.length() + " chars" : json);
                    socket.emit(msg.type(), msg);
                });
            }
        });
        ProtoPeer peer = peerClient(lang, server, transport);
        ObjectNode unknown = JSON.createObjectNode().put("typeUrl", "type.googleapis.com/acme.v1.Unknown")
                .put("base64", "CJYB/w==");
        peer.call(op("emit", "type", "unknown", "typed", unknown));
        assertEquals("{\"@type\":\"type.googleapis.com/acme.v1.Unknown\",\"value\":\"CJYB/w==\"}", take(shown));
        assertEquals(unknown, peer.awaitEvent("message").get("typed"));

        byte[] bytes = new byte[64 * 1024 - 11]; // type "chunk" (7 bytes), tag and a 3-byte length (4): 64 KiB
        new java.util.Random(13).nextBytes(bytes);
        String b64 = Base64.getEncoder().encodeToString(bytes);
        peer.call(op("emit", "type", "chunk", "opaque", b64));
        assertEquals((b64.length() + 2) + " chars", take(shown));
        assertEquals(b64, peer.awaitEvent("message").get("opaque").asText());
    }

    /**
     * Issue #13, spec section 2: NaN and infinities a peer sends (against the spec) come back from an echo as null.
     * (The Python peer's json_format shows a NaN it received as the string {@code "NaN"}; the Node peer's
     * JSON.stringify hides one as null, so only the Python case tells main from the fix.)
     */
    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("peers")
    void shouldEchoNonFiniteNumbersAsNull(Lang lang, String transport) throws Exception {
        IpcServer server = jipcServer(transport, tempRoot(), s -> s.on("n", (msg, socket) -> socket.emit("n", msg)));
        ProtoPeer peer = peerClient(lang, server, transport);
        com.google.protobuf.Value nan = com.google.protobuf.Value.newBuilder().setNumberValue(Double.NaN).build();
        com.google.protobuf.Value inf = com.google.protobuf.Value.newBuilder()
                .setNumberValue(Double.NEGATIVE_INFINITY).build();
        com.google.protobuf.Value one = com.google.protobuf.Value.newBuilder().setNumberValue(1.5).build();
        io.jipc.proto.v1.Envelope env = io.jipc.proto.v1.Envelope.newBuilder().setType("n")
                .setData(com.google.protobuf.Value.newBuilder().setListValue(com.google.protobuf.ListValue
                        .newBuilder().addValues(nan).addValues(inf).addValues(one))).build();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        env.writeDelimitedTo(out);
        peer.call(op("sendRaw", "base64", Base64.getEncoder().encodeToString(out.toByteArray())));
        assertEquals(tree("[null,null,1.5]"), peer.awaitEvent("message").get("data"));
    }

    /**
     * Issue #13, spec section 3.3: a protobuf client whose preamble comes after an AUTO server's wireDetectTimeout
     * is refused as late (EWIRE, saying so) and disconnected, not silently taken as JSON.
     */
    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("peers")
    void shouldRefuseALatePreamble(Lang lang, String transport) throws Exception {
        String root = tempRoot();
        Ipc ipc = track(Ipc.create(IpcConfig.defaults().id("world").socketRoot(root).silent(true)
                .wireDetectTimeout(Duration.ofMillis(50))));
        IpcServer server = transport.equals("unix") ? ipc.serve() : ipc.serveNet("127.0.0.1", 0);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        server.on("error", (m, socket) -> events.add(m.error().map(e -> e.code() + " " + e.getMessage()).orElse("?")));
        server.on("socket.disconnected", (m, socket) -> events.add("gone"));
        server.start();
        ProtoPeer peer = peerClient(lang, server, transport, "--preamble-delay-ms", "1000");
        String error = take(events);
        assertTrue(error.startsWith("EWIRE ") && error.contains("came after wireDetectTimeout"), error);
        assertEquals("gone", take(events));
        peer.awaitEvent("disconnect");
    }

    private static List<Byte> boxed(byte[] b) {
        List<Byte> l = new ArrayList<>();
        for (byte x : b) {
            l.add(x);
        }
        return l;
    }

    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("peers")
    void shouldAnswerRequestsBothWaysWithAJipcServer(Lang lang, String transport) throws Exception {
        BlockingQueue<IpcSocket> sockets = new LinkedBlockingQueue<>();
        IpcServer server = jipcServer(transport, tempRoot(), s -> {
            s.on("connect", (msg, socket) -> sockets.add(socket));
            s.on("sum", (msg, socket) -> {
                double sum = 0;
                for (JsonNode n : msg.json()) {
                    sum += n.asDouble();
                }
                msg.reply(sum);
            });
            s.on("order", Order.class, (order, msg, socket) -> msg.reply(order.toBuilder().setPaid(false).build()));
            s.on("fail", (msg, socket) -> msg.replyError("EBROKE", "cannot " + msg.asText()));
        });
        ProtoPeer peer = peerClient(lang, server, transport);
        IpcSocket socket = take(sockets);

        // the peer asks jipc
        JsonNode reply = peer.call(op("request", "type", "sum", "data", List.of(1, 2, 3.5))).get("reply");
        assertEquals("sum", reply.get("type").asText());
        assertEquals(6.5, reply.get("data").asDouble());
        JsonNode typed = peer.call(op("request", "type", "order", "typed", typedOrder())).get("reply").get("typed");
        assertEquals(ORDER.toBuilder().setPaid(false).build(), parseOrder(typed.get("json")));
        assertEquals("EBROKE", peer.call(op("request", "type", "fail", "data", "fly")).at("/reply/error/code").asText());
        assertEquals("cannot fly", peer.call(op("request", "type", "fail", "data", "fly"))
                .at("/reply/error/message").asText());
        assertEquals("ENOHANDLER", peer.call(op("request", "type", "nobody", "data", 1))
                .at("/reply/error/code").asText());
        // concurrent requests: each reply is matched to its own request by id
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            seqs.add(peer.send(op("request", "type", "sum", "data", List.of(i, 1000))));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(i + 1000, peer.ack(seqs.get(i)).at("/reply/data").asInt());
        }

        // jipc asks the peer, which answers by hand
        CompletionStage<Message> asked = socket.request("price", Map.of("item", "book"));
        JsonNode request = peer.awaitEvent("request");
        assertSameJson(tree("{\"item\":\"book\"}"), request.get("data"), "request data");
        peer.call(op("reply", "type", "price", "re", request.get("id").asLong(), "data", Map.of("eur", 12.5)));
        assertEquals(12.5, await(asked).json().get("eur").asDouble());

        CompletionStage<Message> refused = socket.request("price", "car");
        request = peer.awaitEvent("request");
        peer.call(op("reply", "type", "price", "re", request.get("id").asLong(), "error",
                Map.of("code", "ENOSTOCK", "message", "sold out")));
        IpcException e = failure(refused);
        assertEquals("EREMOTE", e.code());
        assertTrue(e.getMessage().contains("ENOSTOCK") && e.getMessage().contains("sold out"), e.getMessage());

        CompletionStage<Message> typedAsk = socket.request("order", ORDER);
        request = peer.awaitEvent("request");
        assertEquals(ORDER, parseOrder(request.at("/typed/json")));
        ObjectNode answer = op("reply", "type", "order", "re", request.get("id").asLong());
        answer.set("typed", typedOrder());
        peer.call(answer);
        assertEquals(ORDER, await(typedAsk).as(Order.class));
    }

    // ------------------------------------------------------------------------------------ jipc client, peer server

    @ParameterizedTest(name = "{0} server, {1}")
    @MethodSource("peers")
    void shouldExchangeEveryJsonKindWithAJipcClient(Lang lang, String transport) throws Exception {
        String root = tempRoot();
        ProtoPeer peer = peerServer(lang, transport, root, "--echo");
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcClient client = jipcClient(peer, transport, root, c -> {
            c.on("kind", got::add);
            c.on("none", got::add);
        });
        for (String json : JSON_KINDS) {
            client.emit("kind", tree(json));
            assertSameJson(tree(json), peer.awaitEvent("message").get("data"), "the peer received from jipc");
            assertSameJson(tree(json), take(got).json(), "jipc received the peer's echo");
        }
        client.emit("none", null);
        assertEquals(tree("{}"), peer.awaitEvent("message").get("data"));
        take(got);
        peer.call(op("emit", "type", "none", "socket", 1));
        assertFalse(take(got).hasData());
    }

    @ParameterizedTest(name = "{0} server, {1}")
    @MethodSource("peers")
    void shouldCarryTypedAndOpaquePayloadsWithAJipcClient(Lang lang, String transport) throws Exception {
        String root = tempRoot();
        ProtoPeer peer = peerServer(lang, transport, root);
        BlockingQueue<Order> orders = new LinkedBlockingQueue<>();
        BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        IpcClient client = jipcClient(peer, transport, root, c -> {
            c.on("order", Order.class, (order, msg) -> orders.add(order));
            c.on("chunk", msg -> chunks.add(msg.bytes()));
        });
        client.emit("order", ORDER);
        JsonNode typed = peer.awaitEvent("message").get("typed");
        assertEquals("jipc.peertest.v1.Order", typed.get("type").asText());
        assertEquals(ORDER, parseOrder(typed.get("json")));
        peer.call(op("emit", "type", "order", "socket", 1, "typed", typedOrder()));
        assertEquals(ORDER, take(orders));

        client.emit("chunk", new byte[] {9, 8, 7});
        assertEquals("CQgH", peer.awaitEvent("message").get("opaque").asText());
        peer.call(op("emit", "type", "chunk", "socket", 1, "opaque", "AP8="));
        assertEquals(List.of((byte) 0, (byte) 0xff), boxed(take(chunks)));
    }

    @ParameterizedTest(name = "{0} server, {1}")
    @MethodSource("peers")
    void shouldAnswerRequestsBothWaysWithAJipcClient(Lang lang, String transport) throws Exception {
        String root = tempRoot();
        ProtoPeer peer = peerServer(lang, transport, root);
        IpcClient client = jipcClient(peer, transport, root, c -> {
            c.on("double", msg -> msg.reply(msg.json().asDouble() * 2));
            c.on("order", Order.class, (order, msg) -> msg.reply(order.toBuilder().addTags("seen").build()));
        });

        // the peer asks jipc
        assertEquals(42, peer.call(op("request", "type", "double", "socket", 1, "data", 21)).at("/reply/data").asInt());
        ObjectNode ask = op("request", "type", "order", "socket", 1);
        ask.set("typed", typedOrder());
        assertEquals(ORDER.toBuilder().addTags("seen").build(), parseOrder(peer.call(ask).at("/reply/typed/json")));
        assertEquals("ENOHANDLER", peer.call(op("request", "type", "nobody", "socket", 1))
                .at("/reply/error/code").asText());

        // jipc asks the peer: several at once, answered out of order
        List<CompletionStage<Message>> asked = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            asked.add(client.request("square", i));
        }
        List<JsonNode> requests = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            requests.add(peer.awaitEvent("request"));
        }
        for (int i = 4; i >= 0; i--) {
            JsonNode r = requests.get(i);
            int n = r.get("data").asInt();
            peer.call(op("reply", "type", "square", "socket", 1, "re", r.get("id").asLong(), "data", n * n));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(i * i, await(asked.get(i)).json().asInt());
        }
        CompletionStage<Message> refused = client.request("square", "x");
        JsonNode r = peer.awaitEvent("request");
        peer.call(op("reply", "type", "square", "socket", 1, "re", r.get("id").asLong(), "error",
                Map.of("code", "EINVAL", "message", "not a number")));
        assertEquals("EREMOTE", failure(refused).code());

        // a request whose peer goes away fails with ECLOSED
        CompletionStage<Message> dropped = client.request("square", 3, Duration.ofSeconds(30));
        peer.awaitEvent("request");
        peer.call(op("close", "socket", 1));
        assertEquals("ECLOSED", failure(dropped).code());
    }

    // ------------------------------------------------------------------------------------------------ broadcast

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unix", "tcp"})
    void shouldBroadcastToNodeIpcAndProtoClientsAtOnce(String transport) throws Exception {
        String root = tempRoot();
        BlockingQueue<IpcSocket> sockets = new LinkedBlockingQueue<>();
        IpcServer server = jipcServer(transport, root, s -> s.on("connect", (m, socket) -> sockets.add(socket)));
        String[] nodeIpcArgs = transport.equals("unix")
                ? new String[] {"--role", "client", "--transport", "unix", "--path",
                        ((UnixDomainSocketAddress) server.address()).getPath().toString(), "--events", "news,order"}
                : new String[] {"--role", "client", "--transport", "tcp", "--host", "127.0.0.1", "--port",
                        String.valueOf(((InetSocketAddress) server.address()).getPort()), "--events", "news,order"};
        NodeIpcPeer nodeIpc = track(NodeIpcPeer.start("9", nodeIpcArgs));
        nodeIpc.awaitEvent("connect", WAIT);
        ProtoPeer python = peerClient(Lang.PYTHON, server, transport);
        ProtoPeer node = peerClient(Lang.NODE, server, transport);
        for (int i = 0; i < 3; i++) {
            take(sockets);
        }
        // the node-ipc client never speaks first: emits to it wait for wireDetectTimeout, then go out as JSON

        JsonNode news = tree("{\"headline\":\"all\",\"n\":[1,null,true],\"\u00e9\":{}}");
        await(server.broadcast("news", news));
        assertSameJson(news, nodeIpc.awaitMessage("news", WAIT).get("data"), "node-ipc (JSON)");
        assertSameJson(news, python.awaitEvent("message").get("data"), "python (proto)");
        assertSameJson(news, node.awaitEvent("message").get("data"), "node (proto)");

        // a protobuf message: typed for the proto clients, its proto3 JSON form for node-ipc
        await(server.broadcast("order", ORDER));
        assertSameJson(ORDER_JSON, nodeIpc.awaitMessage("order", WAIT).get("data"), "node-ipc (JSON form)");
        assertEquals(ORDER, parseOrder(python.awaitEvent("message").at("/typed/json")));
        assertEquals(ORDER, parseOrder(node.awaitEvent("message").at("/typed/json")));
    }

    // ------------------------------------------------------------------------------------------------ bad input

    /** Bytes a peer sends after its (valid, unless said otherwise) preamble. */
    enum Bad {
        /** A varint length of 65537, over the server's maxFrameBytes of 64 KiB. */
        OVERSIZE("EFRAMETOOLARGE", "81 80 04", false, null),
        /** A frame announcing 18 bytes, of which 7 come before the peer closes. */
        TRUNCATED("ETRUNCATED", "12 0a 07 6d 65 73 73", true, null),
        /** A complete frame whose type field claims 5 bytes where the frame has 1. */
        MALFORMED("EMALFORMED", "03 0a 05 41", false, null),
        /** Type "é(" with a broken UTF-8 sequence (c3 28). */
        BAD_UTF8("EMALFORMED", "04 0a 02 c3 28", false, null),
        /** Preamble version 2. */
        VERSION("EVERSION", "", false, "2");

        final String code;
        final String hex;
        final boolean closeAfter;
        final String preambleVersion;

        Bad(String code, String hex, boolean closeAfter, String preambleVersion) {
            this.code = code;
            this.hex = hex.replace(" ", "");
            this.closeAfter = closeAfter;
            this.preambleVersion = preambleVersion;
        }
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(Bad.values()).flatMap(b -> Stream.of(Lang.values())
                .flatMap(l -> Stream.of("unix", "tcp").map(t -> Arguments.of(b, l, t))));
    }

    @ParameterizedTest(name = "{0} from {1}, {2}")
    @MethodSource("badInputs")
    void shouldCloseOnlyTheConnectionThatSentBadInput(Bad bad, Lang lang, String transport) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        BlockingQueue<IpcSocket> sockets = new LinkedBlockingQueue<>();
        IpcServer server = jipcServer(transport, tempRoot(), s -> {
            s.on("connect", (m, socket) -> sockets.add(socket));
            s.on("error", (m, socket) -> events.add("error " + m.error().map(IpcException::code).orElse("?") + " "
                    + (socket == null ? "-" : socket.id())));
            s.on("socket.disconnected", (m, socket) -> events.add("gone " + socket.id()));
            s.on("sum", (m, socket) -> m.reply(m.json().get(0).asInt() + m.json().get(1).asInt()));
        });
        // a well-behaved proto client of the other language, connected before and served after
        Lang otherLang = lang == Lang.PYTHON ? Lang.NODE : Lang.PYTHON;
        ProtoPeer good = peerClient(otherLang, server, transport);
        IpcSocket goodSocket = take(sockets);
        assertEquals(3, good.call(op("request", "type", "sum", "data", List.of(1, 2))).at("/reply/data").asInt());

        ProtoPeer bad0 = bad.preambleVersion == null ? peerClient(lang, server, transport)
                : peerClient(lang, server, transport, "--preamble-version", bad.preambleVersion);
        if (bad.preambleVersion == null) {
            IpcSocket badSocket = take(sockets);
            bad0.call(op("sendRaw", "base64", Base64.getEncoder().encodeToString(hexBytes(bad.hex))));
            if (bad.closeAfter) {
                bad0.call(op("close"));
            }
            assertEquals("error " + bad.code + " " + badSocket.id(), take(events));
            assertEquals("gone " + badSocket.id(), take(events));
        } else {
            // refused at the preamble, before any Envelope: still an accepted socket, reported and removed
            String badId = take(sockets).id();
            assertEquals("error " + bad.code + " " + badId, take(events));
            assertEquals("gone " + badId, take(events));
        }
        bad0.awaitEvent("disconnect"); // the server closed it
        assertEquals(7, good.call(op("request", "type", "sum", "data", List.of(3, 4))).at("/reply/data").asInt());
        assertTrue(goodSocket.isOpen());
        assertNull(events.poll(100, TimeUnit.MILLISECONDS), "nothing else happened");
    }

    @ParameterizedTest(name = "{0} server, {1}")
    @MethodSource("peers")
    void shouldReportBadInputFromAPeerServerOnTheJipcClient(Lang lang, String transport) throws Exception {
        String root = tempRoot();
        ProtoPeer peer = peerServer(lang, transport, root);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        jipcClient(peer, transport, root, c -> {
            c.on("error", m -> events.add("error " + m.error().map(IpcException::code).orElse("?")));
            c.on("disconnect", () -> events.add("disconnect"));
        });
        peer.call(op("sendRaw", "socket", 1, "base64", Base64.getEncoder().encodeToString(hexBytes(Bad.BAD_UTF8.hex))));
        assertEquals("error EMALFORMED", take(events));
        assertEquals("disconnect", take(events));
        peer.awaitEvent("socket.disconnected");
    }

    private static byte[] hexBytes(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }
}
