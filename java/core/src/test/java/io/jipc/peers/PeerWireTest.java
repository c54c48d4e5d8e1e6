package io.jipc.peers;

import static io.jipc.peers.ProtoPeer.op;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.jipc.peers.ProtoPeer.Lang;
import io.jipc.peers.testproto.Address;
import io.jipc.peers.testproto.Order;
import io.jipc.peers.testproto.Shipping;
import io.jipc.proto.v1.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Python and Node peers against protobuf-java's own delimited helpers ({@code writeDelimitedTo},
 * {@code parseDelimitedFrom}) and the Java classes of the same .proto files, with no jipc codec involved: the
 * peers' framing, preamble and payload mapping are what proto/README.md says protobuf libraries do.
 */
class PeerWireTest {
    static final byte[] PREAMBLE = HexFormat.of().parseHex("8f6a69706301");

    /** One value of every JSON kind, nested ones included. */
    static final List<String> JSON_KINDS = List.of("null", "true", "false", "0", "-1.5", "1e300", "\"\"",
            "\"h\u00e9llo \u2603 \ud83d\ude00 \\u0000 \\f\"", "[]", "{}", "[1,\"two\",null,[3,[]]]",
            "{\"a\":{\"b\":[true,{\"c\":null}]},\"n\":9007199254740991,\"e\":\"\u20ac\"}");

    /** The test schema's message with every field set. */
    static final Order ORDER = Order.newBuilder().setId(1L << 40).setCustomer("Zo\u00eb").setQuantity(3).setPrice(9.5)
            .setPaid(true).setShipTo(Address.newBuilder().setStreet("1 Main St").setCity("Springfield"))
            .addTags("gift").addTags("fragile").setShipping(Shipping.SHIPPING_EXPRESS).putAttributes("colour", "red")
            .setToken(ByteString.copyFrom(new byte[] {0, (byte) 0xff, 0x10})).build();

    private final List<AutoCloseable> open = new ArrayList<>();

    static Stream<Arguments> peers() {
        return Stream.of(Lang.values()).flatMap(l -> Stream.of("unix", "tcp").map(t -> Arguments.of(l, t)));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    static Value value(String json) {
        Value.Builder b = Value.newBuilder();
        try {
            JsonFormat.parser().merge(json, b);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(json, e);
        }
        return b.build();
    }

    private static SocketChannel open(SocketAddress address) throws IOException {
        return SocketChannel.open(address);
    }

    @ParameterizedTest(name = "{0} server, {1}")
    @MethodSource("peers")
    void shouldEchoWhatProtobufJavaWritesDelimited(Lang lang, String transport) throws Exception {
        Path dir = ProtoPeer.tempDir();
        String sock = dir.resolve("s.sock").toString();
        ProtoPeer server = track(ProtoPeer.start(lang, "--role", "server", "--transport", transport, "--path", sock,
                "--echo"));
        SocketAddress address = transport.equals("unix") ? UnixDomainSocketAddress.of(sock)
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), server.ready().get("port").asInt());
        try (SocketChannel channel = open(address)) {
            OutputStream out = Channels.newOutputStream(channel);
            InputStream in = Channels.newInputStream(channel);
            out.write(PREAMBLE);
            List<Envelope> sent = new ArrayList<>();
            for (String json : JSON_KINDS) {
                sent.add(Envelope.newBuilder().setType("echo").setData(value(json)).build());
            }
            sent.add(Envelope.newBuilder().setType("order").setTyped(Any.pack(ORDER)).build());
            sent.add(Envelope.newBuilder().setType("chunk").setOpaque(ByteString.copyFrom(new byte[] {1, 2, 3})).build());
            sent.add(Envelope.newBuilder().setType("ping").build());
            sent.add(Envelope.newBuilder().setType("add").setData(value("[1,2]")).setId(7).build());
            for (Envelope e : sent) {
                e.writeDelimitedTo(out);
            }
            for (Envelope e : sent) {
                Envelope back = Envelope.parseDelimitedFrom(in);
                if (e.getId() != 0) {
                    assertEquals(e.toBuilder().clearId().setRe(e.getId()).build(), back, "reply to " + e);
                } else {
                    assertEquals(e, back);
                }
            }
        }
        for (String json : JSON_KINDS) {
            JsonNode seen = server.awaitEvent("message");
            assertEquals(ProtoPeer.JSON.readTree(json), seen.get("data"), "what the " + lang + " peer decoded");
        }
        JsonNode typed = server.awaitEvent("message").get("typed");
        assertEquals("jipc.peertest.v1.Order", typed.get("type").asText());
        assertEquals(ProtoPeer.JSON.readTree(JsonFormat.printer().print(ORDER)), typed.get("json"));
    }

    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("peers")
    void shouldSendThePreambleAndDelimitedEnvelopesAsAClient(Lang lang, String transport) throws Exception {
        Path dir = ProtoPeer.tempDir();
        Path sock = dir.resolve("c.sock");
        try (ServerSocketChannel listener = transport.equals("unix")
                ? ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(sock))
                : ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String[] where = transport.equals("unix") ? new String[] {"--path", sock.toString()}
                    : new String[] {"--port", String.valueOf(((InetSocketAddress) listener.getLocalAddress()).getPort())};
            ProtoPeer client = track(ProtoPeer.start(lang, concat(new String[] {"--role", "client", "--transport",
                    transport}, where)));
            try (SocketChannel channel = listener.accept()) {
                InputStream in = Channels.newInputStream(channel);
                assertArrayEquals(PREAMBLE, in.readNBytes(PREAMBLE.length));
                for (String json : JSON_KINDS) {
                    client.call(op("emit", "type", "kind", "data", ProtoPeer.JSON.readTree(json)));
                    assertEquals(Envelope.newBuilder().setType("kind").setData(value(json)).build(),
                            Envelope.parseDelimitedFrom(in));
                }
                client.call(op("emit", "type", "order", "typed", ProtoPeer.JSON.createObjectNode()
                        .put("type", "jipc.peertest.v1.Order")
                        .set("json", ProtoPeer.JSON.readTree(JsonFormat.printer().print(ORDER)))));
                Envelope order = Envelope.parseDelimitedFrom(in);
                assertEquals("type.googleapis.com/jipc.peertest.v1.Order", order.getTyped().getTypeUrl());
                assertEquals(ORDER, order.getTyped().unpack(Order.class));

                long seq = client.send(op("request", "type", "sum", "data", List.of(1, 2)));
                Envelope request = Envelope.parseDelimitedFrom(in);
                assertEquals(value("[1,2]"), request.getData());
                Envelope.newBuilder().setType("sum").setRe(request.getId()).setData(value("3")).build()
                        .writeDelimitedTo(Channels.newOutputStream(channel));
                assertEquals(3, client.ack(seq).get("reply").get("data").asInt());
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
