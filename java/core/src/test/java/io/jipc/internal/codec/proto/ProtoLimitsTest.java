package io.jipc.internal.codec.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.proto.v1.Envelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The nesting limit both codecs share ({@link ProtoCodec#MAX_DATA_DEPTH}, proto/README.md section 7), and the
 * protobuf decoder keeping large data as bytes until a handler reads it.
 */
class ProtoLimitsTest {
    private static final Value ONE = Value.newBuilder().setNumberValue(1).build();

    /** The worst case for protobuf: every level an object, 3 message levels each (Value, Struct, map entry). */
    static Value structs(int depth) {
        Value v = ONE;
        for (int i = 0; i < depth; i++) {
            v = Value.newBuilder().setStructValue(Struct.newBuilder().putFields("k", v)).build();
        }
        return v;
    }

    static Value lists(int depth) {
        Value v = ONE;
        for (int i = 0; i < depth; i++) {
            v = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(v)).build();
        }
        return v;
    }

    private static byte[] delimited(Envelope env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            env.writeDelimitedTo(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /**
     * Records events: "value" for a frame the hand-written path gave as the Value's bytes (never built), "envelope"
     * for one protobuf-java parsed; "json" for a frame of another codec.
     */
    private static final class Events implements FrameSink {
        final List<String> list = new ArrayList<>();
        final List<byte[]> values = new ArrayList<>();
        /** The decoder fed, or null (a datagram, always parsed by protobuf-java). */
        ProtoFrameDecoder decoder;
        private long fastSeen;

        @Override
        public void onFrame(String type, byte[] data, PayloadFormat format, long id, long re, byte[] error) {
            if (!(format instanceof ProtoPayload)) {
                list.add("json " + type);
                return;
            }
            boolean fast = decoder != null && decoder.fastPathFrames() > fastSeen;
            fastSeen = decoder == null ? 0 : decoder.fastPathFrames();
            if (fast) {
                values.add(data);
                list.add("value " + type + " depth " + ProtoCodec.depth(ProtoCodec.validatedValue(data)));
            } else {
                list.add("envelope " + type + " depth " + ProtoCodec.depth(data == null ? Value.getDefaultInstance()
                        : ProtoCodec.validatedValue(data)));
            }
        }

        @Override
        public boolean onMalformed(String code, String reason) {
            list.add("!" + reason);
            return true;
        }
    }

    private static List<String> decode(byte[] stream, boolean fast) {
        Events ev = new Events();
        ev.decoder = new ProtoFrameDecoder(16 << 20, false, fast);
        ev.decoder.decode(ByteBuffer.wrap(stream), ev);
        return ev.list;
    }

    @Test
    void shouldKeepTheDepthLimitWithinProtobufDefaultRecursionLimit() throws Exception {
        // the arithmetic of proto/README.md section 7: 3 x 33 + 1 = 100 message levels at most
        int max = ProtoCodec.MAX_DATA_DEPTH;
        for (Value data : new Value[] {structs(max), lists(max)}) {
            byte[] env = Envelope.newBuilder().setType("ev").setData(data).build().toByteArray();
            assertEquals(max, ProtoCodec.depth(Envelope.parseFrom(env).getData()), "protobuf-java's defaults");
        }
        byte[] deeper = Envelope.newBuilder().setType("ev").setData(structs(max + 1)).build().toByteArray();
        assertThrows(InvalidProtocolBufferException.class, () -> Envelope.parseFrom(deeper),
                "one more level of objects is past protobuf's default of 100");
    }

    @Test
    void shouldRefuseDataDeeperThanTheLimitOnBothPaths() {
        int max = ProtoCodec.MAX_DATA_DEPTH;
        for (boolean fast : new boolean[] {true, false}) {
            String path = fast ? "hand-written path" : "protobuf-java";
            assertEquals(List.of((fast ? "value" : "envelope") + " ev depth " + max), decode(delimited(Envelope
                    .newBuilder().setType("ev").setData(structs(max)).build()), fast), path);
            assertEquals(List.of((fast ? "value" : "envelope") + " ev depth " + max), decode(delimited(Envelope
                    .newBuilder().setType("ev").setData(lists(max)).build()), fast), path);
            assertEquals(List.of("!" + ProtoFrameDecoder.TOO_DEEP), decode(delimited(Envelope.newBuilder()
                    .setType("ev").setData(lists(max + 1)).build()), fast), path);
            List<String> objects = decode(delimited(Envelope.newBuilder().setType("ev").setData(structs(max + 1))
                    .build()), fast);
            assertEquals(1, objects.size(), path);
            assertTrue(objects.get(0).startsWith("!malformed envelope: "), objects + " " + path);
        }
        Events ev = new Events();
        ByteArrayOutputStream datagram = new ByteArrayOutputStream();
        datagram.writeBytes(ProtoFrameDecoder.preamble());
        datagram.writeBytes(delimited(Envelope.newBuilder().setType("ev").setData(lists(max + 1)).build()));
        ProtoFrameDecoder.decodeDatagram(ByteBuffer.wrap(datagram.toByteArray()), 1 << 20, ev);
        assertEquals(List.of("!" + ProtoFrameDecoder.TOO_DEEP + " (datagram dropped)"), ev.list);
    }

    @Test
    void shouldHandLargeDataOverAsBytesWithoutBuildingIt() {
        ListValue.Builder big = ListValue.newBuilder();
        for (int i = 0; i < 200_000; i++) {
            big.addValues(i % 3 == 0 ? Value.newBuilder().setStringValue("s" + i).build() : i % 3 == 1
                    ? Value.newBuilder().setStructValue(Struct.newBuilder().putFields("id", ONE)).build() : ONE);
        }
        Value data = Value.newBuilder().setListValue(big).build();
        Envelope env = Envelope.newBuilder().setType("big").setData(data).setId(7).build();
        byte[] stream = delimited(env);
        Events ev = new Events();
        ProtoFrameDecoder dec = new ProtoFrameDecoder(16 << 20, false);
        ev.decoder = dec;
        for (int off = 0; off < stream.length; off += 65536) { // as it arrives: in reads
            dec.decode(ByteBuffer.wrap(stream, off, Math.min(65536, stream.length - off)).slice(), ev);
        }
        assertEquals(List.of("value big depth 2"), ev.list, "handed over as the Value's bytes, not an Envelope");
        assertArrayEquals(data.toByteArray(), ev.values.get(0));
        assertEquals(1, dec.fastPathFrames());
        for (boolean pre : new boolean[] {false, true}) {
            assertArrayEquals(ProtoCodec.frame(env, pre), ProtoCodec.valueFrame("big", ev.values.get(0), 7, 0, pre),
                    "relayed as received, byte-identical to protobuf-java");
        }
    }

    @Test
    void shouldFindThePeerIdAtTheTopLevelOfAnObjectOnly() {
        Value id = Value.newBuilder().setStringValue("client1").build();
        Struct top = Struct.newBuilder().putFields("n", ONE).putFields("id", id).putFields("x", structs(3)).build();
        assertEquals("client1", ProtoCodec.peerId(Value.newBuilder().setStructValue(top).build().toByteArray()));
        Struct nested = Struct.newBuilder().putFields("x", Value.newBuilder().setStructValue(
                Struct.newBuilder().putFields("id", id)).build()).build();
        assertNull(ProtoCodec.peerId(Value.newBuilder().setStructValue(nested).build().toByteArray()));
        assertNull(ProtoCodec.peerId(Value.newBuilder().setStructValue(Struct.newBuilder().putFields("id", ONE))
                .build().toByteArray()), "not a string");
        assertNull(ProtoCodec.peerId(Value.newBuilder().setStructValue(Struct.newBuilder().putFields("id",
                Value.newBuilder().setStringValue("").build())).build().toByteArray()), "empty");
        assertNull(ProtoCodec.peerId(id.toByteArray()), "not an object");
        assertNull(ProtoCodec.peerId(lists(2).toByteArray()));
    }
}
