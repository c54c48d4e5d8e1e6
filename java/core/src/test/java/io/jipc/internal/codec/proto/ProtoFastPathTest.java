package io.jipc.internal.codec.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.Golden;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.proto.v1.Envelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential tests of the protobuf decoder's hand-written path for envelopes of the common shape: on generated
 * envelopes, hand-made edge cases and random mutations of them, it must give exactly what protobuf-java alone gives
 * (same envelopes, same malformed reasons), whatever the split of the stream.
 */
class ProtoFastPathTest {
    private static final long SEED = Long.getLong("jipc.codec.fuzzSeed", 0L);

    /** Records envelopes (rebuilt from what either path gave the sink) and reasons. */
    private static final class Events implements FrameSink {
        final List<String> list = new ArrayList<>();

        @Override
        public void onFrame(String type, byte[] data, PayloadFormat format, long id, long re, byte[] error) {
            if (!(format instanceof ProtoPayload)) {
                list.add("json " + type);
                return;
            }
            Envelope env = Envelopes.of(type, data, format, id, re, error);
            list.add("=" + env.getType() + " " + Golden.toHex(env.toByteArray()));
        }

        @Override
        public boolean onMalformed(String code, String reason) {
            list.add("!" + reason);
            return true;
        }
    }

    private static byte[] delimited(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.writeUInt32NoTag(body.length);
            c.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Decodes the stream with and without the fast path, in chunks, heap or direct; returns the fast decoder. */
    private static ProtoFrameDecoder compare(byte[] stream, int chunk, boolean direct) {
        Events slowEvents = new Events();
        new ProtoFrameDecoder(1 << 20, false, false).decode(ByteBuffer.wrap(stream), slowEvents);
        ProtoFrameDecoder fast = new ProtoFrameDecoder(1 << 20, false, true);
        Events fastEvents = new Events();
        for (int off = 0; off < stream.length; off += chunk) {
            int n = Math.min(chunk, stream.length - off);
            ByteBuffer b = direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
            b.put(stream, off, n).flip();
            fast.decode(b, fastEvents);
        }
        assertEquals(slowEvents.list, fastEvents.list, () -> "chunk " + chunk + (direct ? " direct" : " heap")
                + " on " + Golden.toHex(stream));
        return fast;
    }

    private static Value randomScalar(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return Value.newBuilder().setStringValue("x".repeat(r.nextInt(300))).build();
            case 1:
                return Value.newBuilder().setStringValue(randomString(r)).build();
            case 2:
                return Value.newBuilder().setNumberValue(r.nextGaussian() * 1e6).build();
            case 3:
                return Value.newBuilder().setBoolValue(r.nextBoolean()).build();
            case 4:
                return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
            default:
                return r.nextBoolean() ? Value.newBuilder().setStructValue(Struct.newBuilder().putFields("k",
                        Value.newBuilder().setStringValue("v").build())).build()
                        : Value.newBuilder().setListValue(ListValue.newBuilder().addValues(
                        Value.newBuilder().setNumberValue(1))).build();
        }
    }

    private static String randomString(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(20);
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(5);
            sb.append(k == 0 ? 'é' : k == 1 ? '€' : k == 2 ? "\uD83D\uDE00" : k == 3 ? "\"\\" : "ab");
        }
        return sb.toString();
    }

    private static Envelope randomEnvelope(Random r) {
        Envelope.Builder b = Envelope.newBuilder();
        int t = r.nextInt(10);
        b.setType(t == 0 ? "" : t == 1 ? randomString(r) : t == 2 ? "t".repeat(200) : "ev" + r.nextInt(3));
        if (r.nextInt(8) != 0) {
            b.setData(randomScalar(r));
        } else if (r.nextBoolean()) {
            b.setOpaque(ByteString.copyFromUtf8("opaque"));
        }
        if (r.nextInt(3) == 0) {
            b.setId(r.nextInt(4) == 0 ? -1 : r.nextInt(1 << 20) + 1);
        }
        if (r.nextInt(4) == 0) {
            b.setRe(r.nextLong());
        }
        return b.build();
    }

    @Test
    void shouldAgreeWithProtobufJavaOnGeneratedEnvelopes() {
        Random r = new Random(17 + SEED);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 3000; i++) {
            stream.writeBytes(delimited(randomEnvelope(r).toByteArray()));
        }
        byte[] bytes = stream.toByteArray();
        for (boolean direct : new boolean[] {false, true}) {
            for (int chunk : new int[] {1, 7, 64, 1000, bytes.length}) {
                ProtoFrameDecoder fast = compare(bytes, chunk, direct);
                assertTrue(fast.fastPathFrames() > 1000, "most envelopes take the fast path: " + fast.fastPathFrames());
            }
        }
    }

    /** Envelope bodies written by hand: what the fast path must pass on to protobuf-java, or agree with it on. */
    private static final String[] EDGE_BODIES = {
        "0a026576121a1a0568656c6c6f", // data longer than what follows
        "0a0265761203 1a0161",
        "0a0265761202 1a01", // string shorter than its length
        "0a0265761203 1a01ff", // invalid UTF-8 in the data string
        "0a02ff76 1203 1a0161", // invalid UTF-8 in the type
        "0a00 1203 1a0161", // empty type
        "1203 1a0161", // no type
        "0a026576", // no data
        "0a026576 1200", // empty Value
        "0a026576 1209 11000000000000f03f", // number 1.0
        "0a026576 1208 11000000000000f0", // number cut short
        "0a026576 1202 2001 ", // bool true
        "0a026576 1203 20ff01", // bool as a two-byte varint
        "0a026576 1202 0800", // null
        "0a026576 1204 0800 2001", // null then bool: the last one wins
        "0a026576 1203 1a0161 1203 1a0162", // data twice: messages merge
        "0a026576 0a026576 1203 1a0161", // type twice
        "0a026576 1203 1a0161 2807 2809", // id twice: the last wins
        "0a026576 1203 1a0161 28ffffffffffffffffff01", // id -1
        "0a026576 1203 1a0161 28ffffffffffffffffffff01", // id varint of 11 bytes
        "0a026576 1203 1a0161 3005", // a reply
        "0a026576 1203 1a0161 3a00", // unknown field 7 (error) empty
        "0a026576 1203 1a0161 4801", // unknown field 9
        "0a026576 1203 1a0161 00", // tag 0
        "0a026576 12 80 01 1a7e" + "61".repeat(126), // two-byte lengths
        "0a026576 128081001a" + "7e" + "61".repeat(126), // a three-byte (non-minimal) data length
        "0a8002" + "61".repeat(256) + "1203 1a0161", // type of 256 bytes (two-byte length)
        "0a026576 1205 1a03eda080", // a surrogate encoded in UTF-8
        "0a026576 1205 1a03c0af61", // an overlong encoding
        "0a026576 1206 1a04f4908080", // past U+10FFFF
        "0a026576 1206 1a04f09f9880", // U+1F600
    };

    private static byte[] hex(String h) {
        String s = h.replace(" ", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    @Test
    void shouldAgreeWithProtobufJavaOnHandWrittenAndMutatedEnvelopes() {
        Random r = new Random(23 + SEED);
        List<byte[]> bodies = new ArrayList<>();
        for (String h : EDGE_BODIES) {
            bodies.add(hex(h));
        }
        for (int i = 0; i < 200; i++) {
            bodies.add(randomEnvelope(r).toByteArray());
        }
        int mutated = 0;
        for (byte[] body : bodies) {
            compare(delimited(body), 3, false);
            compare(delimited(body), body.length + 1, true);
            for (int m = 0; m < 30; m++) {
                byte[] x = body.clone();
                if (x.length == 0) {
                    continue;
                }
                int k = r.nextInt(3);
                int at = r.nextInt(x.length);
                if (k == 0) {
                    x[at] = (byte) r.nextInt(256);
                } else if (k == 1) {
                    x[at] ^= (byte) (1 << r.nextInt(8));
                } else {
                    x = java.util.Arrays.copyOf(x, at);
                }
                compare(delimited(x), 64, r.nextBoolean());
                mutated++;
            }
        }
        assertTrue(mutated > 5000);
        assertEquals("ab", new String(hex("6162"), StandardCharsets.UTF_8));
    }
}
