package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The protobuf wire mode, codec detection, request/response and typed payloads between jipc peers. */
class ProtoWireTest {
    record Greeting(String name, int n, List<String> tags) {
    }

    /** Client codec × transport. */
    enum Mode {
        UNIX_PROTO(Net.UNIX, Wire.PROTO), TCP_PROTO(Net.TCP, Wire.PROTO), UNIX_JSON(Net.UNIX, Wire.JSON),
        TCP_JSON(Net.TCP, Wire.JSON);

        final Net net;
        final Wire wire;

        Mode(Net net, Wire wire) {
            this.net = net;
            this.wire = wire;
        }
    }

    private final List<Ipc> open = new ArrayList<>();

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    @AfterEach
    void closeAll() {
        open.forEach(Ipc::close);
    }

    private static <T> T take(BlockingQueue<T> q) throws InterruptedException {
        T m = q.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("nothing within 10 s");
        }
        return m;
    }

    private static <T> T await(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static IpcException failure(CompletionStage<?> s) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> s.toCompletableFuture().get(10, TimeUnit.SECONDS));
        return assertInstanceOf(IpcException.class, e.getCause());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldEchoEveryKindOfDataOnAnAutoServer(Mode mode) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = mode.net.serve(ipc(Net.config("world", root)));
        server.on("message", (data, socket) -> socket.emit("message", data));
        server.start();

        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcClient client = mode.net.connect(ipc(Net.config("hello", root).wire(mode.wire)), "world", server);
        client.on("message", got::add);

        client.emit("message", "hello");
        assertEquals("hello", take(got).asText());
        client.emit("message", new Greeting("Ada", 7, List.of("é€", "😀")));
        Message m = take(got);
        assertEquals(new Greeting("Ada", 7, List.of("é€", "😀")), m.as(Greeting.class));
        assertEquals("{\"name\":\"Ada\",\"n\":7,\"tags\":[\"é€\",\"😀\"]}", new String(m.bytes(), StandardCharsets.UTF_8));
        client.emit("message", List.of(1, "two", 2.5, -0.0, 1e21));
        assertEquals("[1,\"two\",2.5,0,1e+21]", take(got).asText());
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
        client.emit("message", com.fasterxml.jackson.databind.node.NullNode.getInstance());
        Message nul = take(got);
        assertTrue(nul.hasData());
        assertTrue(nul.json().isNull());
        client.emit("message", Map.of("nested", Map.of("deep", List.of(Map.of("x", 1)))));
        JsonNode tree = take(got).json();
        assertEquals(1, tree.at("/nested/deep/0/x").intValue());
        client.emit("message", new byte[] {1, 2, 3});
        Message bytes = take(got);
        if (mode.wire == Wire.PROTO) {
            assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), List.of(bytes.bytes()[0], bytes.bytes()[1],
                    bytes.bytes()[2]));
        } else {
            assertEquals("AQID", bytes.asText()); // base64, as Jackson writes byte[]
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldAnswerRequestsBothWays(Mode mode) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = mode.net.serve(ipc(Net.config("world", root)));
        BlockingQueue<IpcSocket> sockets = new LinkedBlockingQueue<>();
        server.on("add", (data, socket) -> {
            JsonNode n = data.json();
            assertTrue(data.isRequest());
            data.reply(n.get(0).intValue() + n.get(1).intValue());
        });
        server.on("later", (data, socket) -> new Thread(() -> data.reply("done " + data.asText())).start());
        server.on("refuse", (data, socket) -> data.replyError("EINVAL", "no thanks"));
        server.on("boom", (data, socket) -> {
            throw new IllegalStateException("kaput");
        });
        server.on("hi", (data, socket) -> sockets.add(socket));
        server.on("twice", (data, socket) -> {
            data.reply(1);
            sockets.add(socket);
            data.reply(2).whenComplete((v, e) -> sockets.add(e == null ? null : socket));
        });
        server.start();

        IpcClient client = mode.net.connect(ipc(Net.config("hello", root).wire(mode.wire)), "world", server);
        client.on("mul", msg -> msg.reply(msg.json().get(0).intValue() * msg.json().get(1).intValue()));
        assertEquals(5, await(client.request("add", List.of(2, 3))).json().intValue());
        assertEquals("done x", await(client.request("later", "x")).asText());

        IpcException refused = failure(client.request("refuse", null));
        assertEquals("EREMOTE", refused.code());
        assertTrue(refused.getMessage().contains("EINVAL: no thanks"), refused.getMessage());
        IpcException none = failure(client.request("nobody", null));
        assertEquals("EREMOTE", none.code());
        assertTrue(none.getMessage().contains("ENOHANDLER"), none.getMessage());
        IpcException boom = failure(client.request("boom", null));
        assertTrue(boom.getMessage().contains("EHANDLER"), boom.getMessage());
        // the peer gets an application-level sentence, not the server's Java exception (issue #13)
        assertTrue(boom.getMessage().contains("the handler for 'boom' failed before replying"), boom.getMessage());
        assertFalse(boom.getMessage().contains("Exception"), boom.getMessage());

        // concurrent requests are matched by id, not order
        List<CompletionStage<Message>> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(client.request("add", List.of(i, 1000)));
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(i + 1000, await(many.get(i)).json().intValue());
        }

        client.emit("hi");
        IpcSocket socket = take(sockets);
        assertEquals(42, await(socket.request("mul", List.of(6, 7))).json().intValue());
        client.request("twice", null);
        IpcSocket again = take(sockets);
        assertEquals(socket, again);
        assertEquals(socket, take(sockets), "second reply must fail with ESTATE");

        // a plain message cannot be replied to
        Message plain = io.jipc.internal.ReceivedMessage.ofJson("x", null, new com.fasterxml.jackson.databind.ObjectMapper());
        assertEquals("ESTATE", failure(plain.reply(1)).code());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldFailRequestsOnTimeoutAndDisconnect(Mode mode) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = mode.net.serve(ipc(Net.config("world", root)));
        BlockingQueue<Message> held = new LinkedBlockingQueue<>();
        server.on("slow", (data, socket) -> held.add(data)); // never answers
        server.start();
        IpcClient client = mode.net.connect(ipc(Net.config("hello", root).wire(mode.wire).stopRetrying(true)),
                "world", server);

        IpcException timeout = failure(client.request("slow", 1, Duration.ofMillis(200)));
        assertEquals("ETIMEDOUT", timeout.code());
        assertTrue(timeout.getMessage().contains("'slow'"), timeout.getMessage());
        Message late = take(held);
        await(late.reply("too late")); // ignored by the client

        CompletionStage<Message> pending = client.request("slow", 2, Duration.ofSeconds(30));
        take(held);
        server.stop();
        IpcException closed = failure(pending);
        assertEquals("ECLOSED", closed.code());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldFailServerSideRequestsWhenTheClientLeaves(Mode mode) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = mode.net.serve(ipc(Net.config("world", root)));
        BlockingQueue<IpcSocket> sockets = new LinkedBlockingQueue<>();
        server.on("hi", (data, socket) -> sockets.add(socket));
        server.start();
        IpcClient client = mode.net.connect(ipc(Net.config("hello", root).wire(mode.wire)), "world", server);
        client.on("ask", d -> { }); // handles, never answers
        client.emit("hi");
        IpcSocket socket = take(sockets);
        CompletionStage<Message> pending = socket.request("ask", null, Duration.ofSeconds(30));
        await(client.disconnect());
        assertEquals("ECLOSED", failure(pending).code());
        assertEquals("ECLOSED", failure(socket.request("ask", null, Duration.ofSeconds(30))).code());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldCarryTypedPayloads(Mode mode) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = mode.net.serve(ipc(Net.config("world", root)));
        BlockingQueue<Timestamp> got = new LinkedBlockingQueue<>();
        BlockingQueue<String> raw = new LinkedBlockingQueue<>();
        server.on("tick", Timestamp.class, (ts, msg, socket) -> {
            got.add(ts);
            socket.emit("tock", Timestamp.newBuilder().setSeconds(ts.getSeconds() + 1).build());
        });
        server.on("greet", Greeting.class, (g, msg, socket) -> msg.reply(new Greeting(g.name() + "!", g.n() + 1,
                g.tags())));
        server.on("tick", (data, socket) -> raw.add(data.asText()));
        server.start();

        BlockingQueue<Timestamp> tocks = new LinkedBlockingQueue<>();
        BlockingQueue<String> tockText = new LinkedBlockingQueue<>();
        IpcClient client = mode.net.connect(ipc(Net.config("hello", root).wire(mode.wire)), "world", server);
        client.on("tock", Timestamp.class, (ts, msg) -> tocks.add(ts));
        client.on("tock", d -> tockText.add(d.asText()));
        client.emit("tick", Timestamp.newBuilder().setSeconds(1700000000).build());
        assertEquals(1700000000, take(got).getSeconds());
        // a typed payload shows as its proto3 JSON form (Timestamp: an RFC 3339 string) whatever the codec
        assertEquals("2023-11-14T22:13:20Z", take(raw));
        assertEquals(1700000001, take(tocks).getSeconds());
        assertEquals("2023-11-14T22:13:21Z", take(tockText));

        Greeting g = await(client.request("greet", new Greeting("Ada", 1, List.of("x")))).as(Greeting.class);
        assertEquals(new Greeting("Ada!", 2, List.of("x")), g);
    }

    @Test
    void shouldServeJsonAndProtoClientsOnOneServerAndBroadcastToBoth() throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = ipc(Net.config("world", root)).serve();
        BlockingQueue<String> hellos = new LinkedBlockingQueue<>();
        server.on("hello", (d, s) -> hellos.add(d.asText()));
        server.start();
        String path = ((UnixDomainSocketAddress) server.address()).getPath().toString();

        BlockingQueue<String> json = new LinkedBlockingQueue<>();
        BlockingQueue<String> proto = new LinkedBlockingQueue<>();
        IpcClient j = ipc(Net.config("j", root)).connectTo("world", path, c -> c.on("news", d -> json.add(d.asText())));
        IpcClient p = ipc(Net.config("p", root).wire(Wire.PROTO)).connectTo("world", path,
                c -> c.on("news", d -> proto.add(d.asText())));
        j.emit("hello", "json");
        p.emit("hello", "proto");
        List<String> both = List.of(take(hellos), take(hellos));
        assertTrue(both.containsAll(List.of("json", "proto")), both.toString());
        await(server.broadcast("news", Map.of("n", 1, "s", "x")));
        assertEquals("{\"n\":1,\"s\":\"x\"}".length(), take(json).length());
        assertEquals("{\"n\":1,\"s\":\"x\"}".length(), take(proto).length());
        await(server.broadcast("news", Timestamp.newBuilder().setSeconds(1).build()));
        assertEquals("1970-01-01T00:00:01Z", take(json));
        assertEquals("1970-01-01T00:00:01Z", take(proto));
    }

    @Test
    void shouldDetectTheCodecInsideTls() throws Exception {
        IpcServer server = ipc(Net.config("world", "/tmp/").tls(TlsTest.serverTls())).serveNet("127.0.0.1", 0);
        server.on("ask", (d, s) -> d.reply("tls:" + d.asText()));
        server.start();
        for (Wire wire : List.of(Wire.PROTO, Wire.JSON)) {
            IpcClient c = ipc(Net.config("c" + wire, "/tmp/").tls(TlsTest.clientTls()).wire(wire)).connectToNet("world",
                    "127.0.0.1", Net.port(server));
            assertEquals("tls:" + wire, await(c.request("ask", wire.name())).asText());
        }
    }

    @Test
    void shouldWaitForTheCodecBeforeTheServerSpeaksFirst() throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = ipc(Net.config("world", root)).serve();
        server.on("connect", (d, s) -> s.emit("welcome", "hi"));
        server.start();
        String path = ((UnixDomainSocketAddress) server.address()).getPath().toString();
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        ipc(Net.config("p", root).wire(Wire.PROTO)).connectTo("world", path, c -> c.on("welcome",
                d -> got.add("proto:" + d.asText())));
        // a node-ipc style client that never speaks first still gets JSON, after wireDetectTimeout
        ipc(Net.config("j", root)).connectTo("world", path, c -> c.on("welcome", d -> got.add("json:" + d.asText())));
        List<String> both = List.of(take(got), take(got));
        assertTrue(both.containsAll(List.of("proto:hi", "json:hi")), both.toString());
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldRefuseTheWrongCodecOnFixedServers(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        IpcServer protoOnly = net.serve(ipc(Net.config("p", root).wire(Wire.PROTO)));
        protoOnly.on("error", (d, s) -> errors.add(d.error().get().code() + ":" + d.error().get().getMessage()));
        protoOnly.on("m", (d, s) -> errors.add("m:" + d.asText()));
        protoOnly.start();
        Recorder rec = new Recorder();
        IpcClient jsonClient = net.connect(ipc(Net.config("j", root).stopRetrying(true)), "p", protoOnly);
        rec.watch(jsonClient);
        jsonClient.emit("m", "x");
        String e = take(errors);
        assertTrue(e.startsWith("EMALFORMED:") && e.contains("expected the jipc preamble"), e);
        rec.await("disconnect");

        IpcClient protoClient = net.connect(ipc(Net.config("q", root).wire(Wire.PROTO)), "p", protoOnly);
        protoClient.emit("m", "ok");
        assertEquals("m:ok", take(errors));
    }

    private static final byte[] PREAMBLE = {(byte) 0x8F, 'j', 'i', 'p', 'c', 1};

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldRefuseTheProtobufPreambleAtOnceOnAJsonOnlyServer(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        IpcServer jsonOnly = net.serve(ipc(Net.config("j", root).wire(Wire.JSON)));
        jsonOnly.on("error", (d, s) -> events.add(d.error().get().code() + ":" + d.error().get().getMessage()));
        jsonOnly.on("socket.disconnected", (d, s) -> events.add("gone"));
        jsonOnly.on("m", (d, s) -> s.emit("m", d.asText()));
        jsonOnly.start();
        // a peer that sends the preamble and stays: refused without waiting for a delimiter or the close
        try (SocketChannel raw = rawConnect(net, jsonOnly)) {
            raw.write(ByteBuffer.wrap(PREAMBLE));
            String e = take(events);
            assertTrue(e.startsWith("EWIRE:socket ") && e.contains("peer speaks jipc protobuf mode")
                    && e.contains("this endpoint speaks JSON only") && e.endsWith("; closing the connection"), e);
            assertEquals("gone", take(events));
            assertEquals(-1, raw.read(ByteBuffer.allocate(16)));
        }
        // a jipc protobuf client sends the preamble as soon as it connects
        Recorder rec = new Recorder();
        net.connect(ipc(Net.config("p", root).wire(Wire.PROTO).stopRetrying(true)), "j", jsonOnly, rec::watch);
        String e = take(events);
        assertTrue(e.startsWith("EWIRE:") && e.contains("peer speaks jipc protobuf mode"), e);
        rec.await("disconnect");
        // JSON clients are served as before
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        IpcClient json = net.connect(ipc(Net.config("c", root)), "j", jsonOnly, c -> c.on("m", d -> got.add(d.asText())));
        json.emit("m", "still served");
        assertEquals("still served", take(got));
    }

    @Test
    void shouldRefuseTheProtobufPreambleAtOnceOnAJsonClient() throws Exception {
        String root = Net.tempSocketRoot();
        java.nio.file.Path path = java.nio.file.Path.of(root, "raw.sock");
        try (java.nio.channels.ServerSocketChannel server =
                java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            BlockingQueue<String> errors = new LinkedBlockingQueue<>();
            Recorder rec = new Recorder();
            ipc(Net.config("hello", root).stopRetrying(true)).connectTo("raw", path.toString(), c -> {
                rec.watch(c);
                c.on("error", d -> errors.add(d.error().get().code() + ":" + d.error().get().getMessage()));
            });
            try (SocketChannel peer = server.accept()) {
                rec.expect("connect");
                peer.write(ByteBuffer.wrap(PREAMBLE));
                String e = take(errors);
                assertTrue(e.startsWith("EWIRE:") && e.contains("peer speaks jipc protobuf mode"), e);
                rec.expect("error:EWIRE", "disconnect", "destroy");
                assertEquals(-1, peer.read(ByteBuffer.allocate(16)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldPassThePreambleThroughInRawBufferMode(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        IpcServer raw = net.serve(ipc(Net.config("r", root).rawBuffer(true).wire(Wire.JSON)));
        raw.on("error", (d, s) -> events.add("error:" + d.error().get().code()));
        raw.on("data", (d, s) -> events.add("data:" + java.util.HexFormat.of().formatHex(d.bytes())));
        raw.start();
        try (SocketChannel peer = rawConnect(net, raw)) {
            peer.write(ByteBuffer.wrap(PREAMBLE));
            StringBuilder hex = new StringBuilder();
            while (hex.length() < 2 * PREAMBLE.length) {
                String e = take(events);
                assertTrue(e.startsWith("data:"), e);
                hex.append(e.substring(5));
            }
            assertEquals("8f6a69706301", hex.toString());
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> badInputs() {
        return java.util.stream.Stream.of(Net.values()).flatMap(n -> java.util.stream.Stream.of(BadProto.values())
                .map(b -> org.junit.jupiter.params.provider.Arguments.of(n, b)));
    }

    private static SocketChannel rawConnect(Net net, IpcServer server) throws java.io.IOException {
        if (net == Net.UNIX) {
            SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX);
            raw.connect(server.address());
            return raw;
        }
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", Net.port(server)));
    }

    /** Raw bytes from a hostile peer on an AUTO server: error naming the socket, that connection closed. */
    @ParameterizedTest(name = "{1} over {0}")
    @org.junit.jupiter.params.provider.MethodSource("badInputs")
    void shouldRejectBadProtoInput(Net net, BadProto bad) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root).maxFrameBytes(1024)));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        server.on("error", (d, s) -> events.add("error:" + d.error().get().code() + ":" + (s == null ? "-" : s.id())
                + ":" + d.error().get().getMessage()));
        server.on("echo", (d, s) -> s.emit("echo", d));
        server.on("socket.disconnected", (d, s) -> events.add("gone:" + s.id()));
        server.start();
        BlockingQueue<String> goodGot = new LinkedBlockingQueue<>();
        IpcClient good = net.connect(ipc(Net.config("good", root).wire(Wire.PROTO)), "world", server,
                c -> c.on("echo", d -> goodGot.add(d.asText())));
        good.emit("echo", "before");
        assertEquals("before", take(goodGot));

        try (SocketChannel raw = rawConnect(net, server)) {
            raw.write(ByteBuffer.wrap(bad.bytes));
            if (bad.closeAfter) {
                raw.shutdownOutput();
            }
            String err = take(events);
            assertTrue(err.startsWith("error:" + bad.code + ":2:"), err + " (expected " + bad.code + ")");
            assertTrue(err.contains(socket(net, 2)), err);
            assertTrue(err.contains(bad.reason), err);
            assertEquals("gone:2", take(events));
            ByteBuffer b = ByteBuffer.allocate(16);
            raw.configureBlocking(true);
            assertEquals(-1, raw.read(b), "the server closes the connection");
        }
        good.emit("echo", "after");
        assertEquals("after", take(goodGot));
        assertNull(events.poll(100, TimeUnit.MILLISECONDS));
    }

    private static byte[] hex(String s) {
        s = s.replace(" ", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    enum BadProto {
        VERSION("8f6a69706302", false, "EVERSION", "unsupported jipc preamble version 2"),
        MAGIC("8f6a6970ff01", false, "EMALFORMED", "bad jipc preamble"),
        OVERSIZE("8f6a69706301 ffffffff07", false, "EFRAMETOOLARGE", "exceeds maxFrameBytes (1024 bytes)"),
        LONG_VARINT("8f6a69706301 8080808080", false, "EMALFORMED", "varint longer than 5 bytes"),
        BAD_ENVELOPE("8f6a69706301 03 0a05ff", false, "EMALFORMED", "malformed envelope"),
        BAD_UTF8_TYPE("8f6a69706301 04 0a02c328", false, "EMALFORMED", "UTF-8"),
        NO_TYPE("8f6a69706301 00", false, "EMALFORMED", "no type"),
        RESERVED("8f6a69706301 09 0a07636f6e6e656374", false, "ERESERVED", "connect"),
        TRUNCATED_FRAME("8f6a69706301 12 0a076d657373", true, "ETRUNCATED", "connection closed inside a frame"),
        TRUNCATED_PREAMBLE("8f6a69", true, "ETRUNCATED", "connection closed inside a frame");

        final byte[] bytes;
        final boolean closeAfter;
        final String code;
        final String reason;

        BadProto(String hex, boolean closeAfter, String code, String reason) {
            this.bytes = hex(hex);
            this.closeAfter = closeAfter;
            this.code = code;
            this.reason = reason;
        }
    }

    /** A raw peer speaking exactly the spec's bytes gets exactly the spec's reply bytes, in both codecs. */
    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldAnswerTheSpecExamplesByteForByte(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        server.on("add", (d, s) -> {
            if (d.isRequest()) {
                d.reply(d.json().get(0).intValue() + d.json().get(1).intValue());
            } else {
                events.add("event:" + d.asText());
            }
        });
        server.start();
        try (SocketChannel raw = rawConnect(net, server)) {
            raw.write(ByteBuffer.wrap(hex("8f6a69706301 210a03616464121832160a0911000000000000f03f0a09110000000000"
                    + "0000402801")));
            assertEquals("120a0361646412091100000000000008403001", toHex(read(raw, 19)));
            // no handler: the failed reply of the spec
            raw.write(ByteBuffer.wrap(hex("07 0a036d756c2802")));
            assertEquals("2b0a036d756c30023a220a0a454e4f48414e444c455212146e6f2068616e646c657220666f7220276d756c27",
                    toHex(read(raw, 1 + 0x2b)));
        }
        try (SocketChannel raw = rawConnect(net, server)) {
            raw.write(ByteBuffer.wrap("{\"type\":\"add\",\"data\":[1,2],\"id\":5}\f".getBytes(StandardCharsets.UTF_8)));
            String reply = "{\"type\":\"add\",\"data\":3,\"re\":5}\f";
            assertEquals(reply, new String(read(raw, reply.length()), StandardCharsets.UTF_8));
            raw.write(ByteBuffer.wrap("{\"type\":\"mul\",\"data\":[1,2],\"id\":6}\f".getBytes(StandardCharsets.UTF_8)));
            String failed = "{\"type\":\"mul\",\"re\":6,\"error\":{\"code\":\"ENOHANDLER\",\"message\":"
                    + "\"no handler for 'mul'\"}}\f";
            assertEquals(failed, new String(read(raw, failed.length()), StandardCharsets.UTF_8));
            // ids that are not plain positive integers make ordinary events; unknown replies are dropped
            for (String id : List.of("\"7\"", "-1", "1.5", "0", "9007199254740992", "1e2", "null")) {
                raw.write(ByteBuffer.wrap(("{\"type\":\"add\",\"data\":[1,2],\"id\":" + id + "}\f")
                        .getBytes(StandardCharsets.UTF_8)));
                assertEquals("event:[1,2]", take(events), id);
            }
            raw.write(ByteBuffer.wrap("{\"type\":\"add\",\"data\":1,\"re\":99}\f{\"re\":3,\"type\":\"add\",\"data\":[4,5]}\f"
                    .getBytes(StandardCharsets.UTF_8)));
            raw.write(ByteBuffer.wrap("{\"data\":[3,4],\"id\":8,\"type\":\"add\"}\f".getBytes(StandardCharsets.UTF_8)));
            String last = "{\"type\":\"add\",\"data\":7,\"re\":8}\f";
            assertEquals(last, new String(read(raw, last.length()), StandardCharsets.UTF_8));
            assertNull(events.poll(100, TimeUnit.MILLISECONDS), "replies are never events");
        }
    }

    private static byte[] read(SocketChannel ch, int n) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(n);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.hasRemaining() && System.nanoTime() < deadline) {
            if (ch.read(b) < 0) {
                break;
            }
        }
        assertFalse(b.hasRemaining(), "got only " + b.position() + " of " + n + " bytes");
        return b.array();
    }

    @Test
    void shouldNeverAllocateTheClaimedSize() {
        io.jipc.internal.codec.proto.ProtoFrameDecoder d =
                new io.jipc.internal.codec.proto.ProtoFrameDecoder(1 << 24, false);
        List<String> got = new ArrayList<>();
        io.jipc.internal.codec.FrameSink sink = new io.jipc.internal.codec.FrameSink() {
            @Override
            public void onFrame(String type, byte[] data, io.jipc.internal.codec.PayloadFormat format, long id,
                    long re, byte[] error) {
                got.add(type);
            }

            @Override
            public boolean onMalformed(String code, String reason) {
                got.add(reason);
                return false;
            }
        };
        // claims 16 MiB, sends 3 bytes: what is held is what arrived
        d.decode(ByteBuffer.wrap(hex("80808008 0a0178")), sink);
        assertEquals(7, d.pendingBytes());
        assertTrue(got.isEmpty());
    }

    /** The hex examples of proto/README.md are what protobuf-java writes. */
    @Test
    void shouldMatchTheSpecExamples() throws Exception {
        io.jipc.proto.v1.Envelope hello = io.jipc.proto.v1.Envelope.newBuilder().setType("message")
                .setData(com.google.protobuf.Value.newBuilder().setStringValue("hello")).build();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        hello.writeDelimitedTo(out);
        assertEquals("120a076d65737361676512071a0568656c6c6f", toHex(out.toByteArray()));
        assertEquals("8f6a69706301120a076d65737361676512071a0568656c6c6f", toHex(
                io.jipc.internal.codec.proto.ProtoCodec.frame(hello, true)));
        String readme = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(System.getProperty(
                "jipc.proto.dir", "../../proto"), "README.md")), StandardCharsets.UTF_8).replace(" ", "");
        io.jipc.proto.v1.Envelope request = io.jipc.proto.v1.Envelope.newBuilder().setType("add").setId(1)
                .setData(com.google.protobuf.Value.newBuilder().setListValue(com.google.protobuf.ListValue.newBuilder()
                        .addValues(com.google.protobuf.Value.newBuilder().setNumberValue(1))
                        .addValues(com.google.protobuf.Value.newBuilder().setNumberValue(2)))).build();
        out.reset();
        request.writeDelimitedTo(out);
        assertTrue(readme.contains(toHex(out.toByteArray()).substring(0, 40)), "request example");
        io.jipc.proto.v1.Envelope typed = io.jipc.proto.v1.Envelope.newBuilder().setType("tick").setTyped(
                com.google.protobuf.Any.pack(Timestamp.newBuilder().setSeconds(1700000000).build())).build();
        out.reset();
        typed.writeDelimitedTo(out);
        assertTrue(readme.contains(toHex(out.toByteArray())), "typed example");
        io.jipc.proto.v1.Envelope failed = io.jipc.proto.v1.Envelope.newBuilder().setType("mul").setRe(2)
                .setError(io.jipc.proto.v1.Error.newBuilder().setCode("ENOHANDLER").setMessage("no handler for 'mul'"))
                .build();
        out.reset();
        failed.writeDelimitedTo(out);
        String failedHex = toHex(out.toByteArray());
        assertTrue(readme.replace("\n", "").contains(failedHex.substring(0, 60)), "failed reply example");
    }

    private static String toHex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }

    @Test
    void shouldSpeakProtoOverUdp() throws Exception {
        IpcServer a = ipc(Net.config("a", Net.tempSocketRoot()).wire(Wire.PROTO)).serveNet("127.0.0.1", 0,
                UdpType.UDP4);
        IpcServer b = ipc(Net.config("b", Net.tempSocketRoot())).serveNet("127.0.0.1", 0, UdpType.UDP4);
        BlockingQueue<String> atB = new LinkedBlockingQueue<>();
        BlockingQueue<String> atA = new LinkedBlockingQueue<>();
        b.on("ping", (d, s) -> {
            atB.add(d.asText());
            s.emit("pong", d); // answered in the codec the peer spoke
        });
        b.on("tick", Timestamp.class, (ts, m, s) -> atB.add("ts:" + ts.getSeconds()));
        b.on("error", (d, s) -> atB.add("error:" + d.error().get().code() + ":" + d.error().get().getMessage()));
        a.on("pong", (d, s) -> atA.add(d.asText()));
        a.start();
        b.start();
        InetSocketAddress bAddr = (InetSocketAddress) b.address();
        await(a.emit(bAddr, "ping", Map.of("x", 1)));
        assertEquals("{\"x\":1}", take(atB));
        assertEquals("{\"x\":1}", take(atA));
        await(a.emit(bAddr, "tick", Timestamp.newBuilder().setSeconds(5).build()));
        assertEquals("ts:5", take(atB));

        try (java.nio.channels.DatagramChannel raw = java.nio.channels.DatagramChannel.open()) {
            raw.connect(bAddr);
            // the README's UDP example, then a JSON datagram from the same sender, then bad ones
            raw.write(ByteBuffer.wrap(hex("8f6a69706301 12 0a0470696e6712071a0568656c6c6f".replace(
                    "12 0a0470696e67", "0f 0a0470696e67"))));
            assertEquals("hello", take(atB));
            raw.write(ByteBuffer.wrap("{\"type\":\"ping\",\"data\":\"json\"}\f".getBytes(StandardCharsets.UTF_8)));
            assertEquals("json", take(atB));
            raw.write(ByteBuffer.wrap(hex("8f6a69706301 0f 0a0470696e6712071a0568656c6c6f 00")));
            String trailing = take(atB);
            assertTrue(trailing.startsWith("error:EMALFORMED:") && trailing.contains("after the envelope"), trailing);
            raw.write(ByteBuffer.wrap(hex("8f6a69706302 0f 0a0470696e6712071a0568656c6c6f")));
            String version = take(atB);
            assertTrue(version.startsWith("error:EVERSION:"), version);
            raw.write(ByteBuffer.wrap(hex("8f6a69706301 0f 0a0470696e67")));
            String truncated = take(atB);
            assertTrue(truncated.startsWith("error:EMALFORMED:") && truncated.contains("truncated"), truncated);
        }
        await(a.emit(bAddr, "ping", "still fine"));
        assertEquals("still fine", take(atB));
    }

    /** How errors name accepted socket {@code id}: with its peer's address on TCP, by id alone on Unix (no address). */
    private static String socket(Net net, int id) {
        return "socket " + id + (net == Net.UNIX ? ": " : " (");
    }
}
