package io.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jipc.proto.v1.Envelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What proto/README.md promises a peer written from it alone (issue #13, "server defects"), checked with raw sockets
 * against a server that does what {@code jipc serve --echo/--relay} does: read the data as JSON (to print it), then
 * send the received message itself back, or to every connection.
 */
class ConformanceTest {
    private static final byte[] PREAMBLE = {(byte) 0x8f, 0x6a, 0x69, 0x70, 0x63, 0x01};

    private final List<Ipc> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(Ipc::close);
    }

    /** An AUTO server that reads each event's data as JSON (into {@code seen}) and relays the event to everyone. */
    private IpcServer relayServer(Net net, IpcConfig config, BlockingQueue<String> seen) {
        // a loaded machine may take a while between connect and the preamble: not what these tests are about
        Ipc ipc = Ipc.create(config.wireDetectTimeout(Duration.ofSeconds(10)));
        open.add(ipc);
        IpcServer server = net.serve(ipc);
        for (String type : List.of("n", "t", "o")) {
            server.on(type, (m, socket) -> {
                seen.add(m.json().toString());
                for (IpcSocket s : server.sockets()) {
                    s.emit(m.type(), m);
                }
            });
        }
        server.on("error", (m, socket) -> seen.add("error " + m.error().map(e -> e.code() + " " + e.getMessage())
                .orElse("?")));
        server.on("emitNaN", (m, socket) -> socket.emit("emitNaN", Value.newBuilder().setListValue(ListValue
                .newBuilder().addValues(num(Double.NaN)).addValues(num(Double.NEGATIVE_INFINITY))).build()));
        server.start();
        return server;
    }

    private static SocketChannel rawConnect(Net net, IpcServer server) throws IOException {
        if (net == Net.UNIX) {
            SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX);
            raw.connect(server.address());
            return raw;
        }
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", Net.port(server)));
    }

    private static byte[] delimited(Envelope env) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        env.writeDelimitedTo(out);
        return out.toByteArray();
    }

    private static void send(SocketChannel ch, byte[]... parts) throws IOException {
        for (byte[] p : parts) {
            ByteBuffer b = ByteBuffer.wrap(p);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /** One delimited Envelope, read within 10 s (the channel is closed by the caller if it never comes). */
    private static Envelope readEnvelope(InputStream in) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Envelope.parseDelimitedFrom(in);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** The next {@code \f}-delimited JSON frame, read within 10 s. */
    private static String readJsonFrame(InputStream in) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int c;
                while ((c = in.read()) != '\f') {
                    if (c < 0) {
                        return "<closed after " + out.size() + " bytes>";
                    }
                    out.write(c);
                }
                return out.toString(StandardCharsets.UTF_8);
            } catch (java.net.SocketException e) {
                return "<closed: " + e.getMessage() + ">"; // a reset: the server closed with our bytes unread
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    private static String take(BlockingQueue<String> q) throws InterruptedException {
        String s = q.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("nothing within 10 s");
        }
        return s;
    }

    private static Value num(double d) {
        return Value.newBuilder().setNumberValue(d).build();
    }

    private static final Value NULL = Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();

    /** Section 2: NaN and infinities are not JSON; jipc turns them into null in both codecs, received or emitted. */
    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldTurnNonFiniteNumbersIntoNull(Net net) throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        IpcServer server = relayServer(net, Net.config("world", Net.tempSocketRoot()), seen);
        try (SocketChannel raw = rawConnect(net, server)) {
            InputStream in = Channels.newInputStream(raw);
            Value list = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(num(Double.NaN))
                    .addValues(num(Double.POSITIVE_INFINITY)).addValues(num(Double.NEGATIVE_INFINITY))
                    .addValues(num(1.5))).build();
            Value struct = Value.newBuilder().setStructValue(Struct.newBuilder().putFields("a", num(Double.NaN))
                    .putFields("b", num(2))).build();
            send(raw, PREAMBLE, delimited(Envelope.newBuilder().setType("n").setData(num(Double.NaN)).build()),
                    delimited(Envelope.newBuilder().setType("n").setData(list).build()),
                    delimited(Envelope.newBuilder().setType("n").setData(struct).build()),
                    delimited(Envelope.newBuilder().setType("emitNaN").build()));
            assertEquals("null", take(seen));
            assertEquals(NULL, readEnvelope(in).getData(), "a NaN scalar echoed");
            assertEquals("[null,null,null,1.5]", take(seen));
            assertEquals(Value.newBuilder().setListValue(ListValue.newBuilder().addValues(NULL).addValues(NULL)
                    .addValues(NULL).addValues(num(1.5))).build(), readEnvelope(in).getData(), "a list echoed");
            assertEquals("{\"a\":null,\"b\":2}", take(seen));
            Value echoedStruct = readEnvelope(in).getData();
            assertEquals(NULL, echoedStruct.getStructValue().getFieldsOrThrow("a"));
            assertEquals(List.of("a", "b"), new ArrayList<>(echoedStruct.getStructValue().getFieldsMap().keySet()),
                    "key order kept");
            assertEquals(Value.newBuilder().setListValue(ListValue.newBuilder().addValues(NULL).addValues(NULL))
                    .build(), readEnvelope(in).getData(), "a Value holding NaN emitted by a handler");
        }
        try (SocketChannel json = rawConnect(net, server)) {
            send(json, "{\"type\":\"emitNaN\"}\f".getBytes(StandardCharsets.UTF_8));
            assertEquals("{\"type\":\"emitNaN\",\"data\":[null,null]}", readJsonFrame(Channels.newInputStream(json)),
                    "the same Value emitted to a JSON peer");
        }
    }

    /**
     * Section 2: a typed payload whose message class the server does not have is echoed and relayed to protobuf
     * peers as it came, and shown to JSON peers (and to {@code json()}) as <code>{"@type":url,"value":base64}</code>.
     */
    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldEchoAndRelayATypedPayloadOfAnUnknownClass(Net net) throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        BlockingQueue<String> connects = new LinkedBlockingQueue<>();
        IpcServer server = relayServer(net, Net.config("world", Net.tempSocketRoot()), seen);
        server.on("connect", (m, s) -> connects.add(s.id()));
        try (SocketChannel json = rawConnect(net, server); SocketChannel proto = rawConnect(net, server)) {
            take(connects);
            take(connects);
            send(json, "{\"type\":\"hi\"}\f".getBytes(StandardCharsets.UTF_8)); // its first byte: JSON
            Any any = Any.newBuilder().setTypeUrl("type.googleapis.com/acme.v1.Unknown")
                    .setValue(ByteString.copyFrom(new byte[] {0x08, (byte) 0x96, 0x01, (byte) 0xff})).build();
            send(proto, PREAMBLE, delimited(Envelope.newBuilder().setType("t").setTyped(any).build()));
            String shown = "{\"@type\":\"type.googleapis.com/acme.v1.Unknown\",\"value\":\"CJYB/w==\"}";
            assertEquals(shown, take(seen), "json() of the message on the server");
            assertEquals(any, readEnvelope(Channels.newInputStream(proto)).getTyped(), "echoed as it came");
            assertEquals("{\"type\":\"t\",\"data\":" + shown + "}", readJsonFrame(Channels.newInputStream(json)),
                    "relayed to the JSON peer");
        }
    }

    /**
     * Opaque bytes stay bytes: an opaque Envelope as large as maxFrameBytes admits is echoed, although its base64
     * form (what {@code json()} shows) is 4/3 its size.
     */
    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldEchoAnOpaquePayloadAsLargeAsTheFrameLimit(Net net) throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        IpcServer server = relayServer(net, Net.config("world", Net.tempSocketRoot()).maxFrameBytes(4096), seen);
        byte[] bytes = new byte[4096 - 6]; // type "o" (3 bytes) + tag and 2-byte length (3 bytes): 4096 in all
        new java.util.Random(13).nextBytes(bytes);
        Envelope env = Envelope.newBuilder().setType("o").setOpaque(ByteString.copyFrom(bytes)).build();
        assertEquals(4096, env.getSerializedSize());
        try (SocketChannel proto = rawConnect(net, server)) {
            send(proto, PREAMBLE, delimited(env));
            String shown = take(seen);
            assertTrue(shown.equals("\"" + Base64.getEncoder().encodeToString(bytes) + "\""),
                    "json() is the base64 string: " + shown.substring(0, Math.min(300, shown.length())));
            assertArrayEquals(bytes, readEnvelope(Channels.newInputStream(proto)).getOpaque().toByteArray());
        }
    }

    /**
     * Section 3.3: once wireDetectTimeout has taken a silent connection as JSON (and the server has spoken JSON to
     * it), a protobuf preamble arriving first is refused as late, with EWIRE, not taken as JSON.
     */
    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldRefuseALatePreambleClearly(Net net) throws Exception {
        Ipc ipc = Ipc.create(Net.config("world", Net.tempSocketRoot()).wireDetectTimeout(Duration.ofMillis(50)));
        open.add(ipc);
        IpcServer server = net.serve(ipc);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        server.on("connect", (m, s) -> s.emit("hello", "json"));
        server.on("error", (m, s) -> events.add(m.error().map(e -> e.code() + " " + e.getMessage()).orElse("?")));
        server.on("socket.disconnected", (m, s) -> events.add("gone"));
        server.start();
        try (SocketChannel raw = rawConnect(net, server)) {
            InputStream in = Channels.newInputStream(raw);
            // the server spoke first, after the timeout, in JSON: the connection is JSON
            assertEquals("{\"type\":\"hello\",\"data\":\"json\"}", readJsonFrame(in));
            try {
                send(raw, PREAMBLE, delimited(Envelope.newBuilder().setType("t").setData(num(1)).build()));
            } catch (IOException e) {
                // the server may refuse on the preamble's first byte and close before the rest is written
            }
            String error = take(events);
            assertTrue(error.startsWith("EWIRE "), error);
            assertTrue(error.contains("preamble (first byte 0x8f) came after wireDetectTimeout"), error);
            assertFalse(error.contains("speaks JSON only"), "an AUTO server is not a JSON-only endpoint: " + error);
            assertEquals("gone", take(events));
            String end = readJsonFrame(in);
            assertTrue(end.startsWith("<closed"), "closed by the server, nothing more sent: " + end);
        }
    }
}
