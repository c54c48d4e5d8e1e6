package io.jipc.internal.codec.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jipc.proto.v1.Envelope;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written encoder of the common frames writes exactly what protobuf-java writes. */
class ProtoCodecTest {
    private static Value random(java.util.Random r, int depth) {
        switch (r.nextInt(depth >= 5 ? 4 : 6)) {
            case 0:
                return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
            case 1: {
                double[] picks = {0, -0.0, 1, -1.5, 1e21, 1e-7, 123456789012345678.0, Double.NaN,
                    Double.POSITIVE_INFINITY, Double.MIN_VALUE, r.nextDouble() * 1e6, (double) r.nextInt()};
                return Value.newBuilder().setNumberValue(picks[r.nextInt(picks.length)]).build();
            }
            case 2:
                return Value.newBuilder().setStringValue(text(r)).build();
            case 3:
                return Value.newBuilder().setBoolValue(r.nextBoolean()).build();
            case 4: {
                Struct.Builder b = Struct.newBuilder();
                for (int i = r.nextInt(5); i > 0; i--) {
                    b.putFields(text(r), random(r, depth + 1));
                }
                return Value.newBuilder().setStructValue(b).build();
            }
            default: {
                com.google.protobuf.ListValue.Builder b = com.google.protobuf.ListValue.newBuilder();
                for (int i = r.nextInt(5); i > 0; i--) {
                    b.addValues(random(r, depth + 1));
                }
                return Value.newBuilder().setListValue(b).build();
            }
        }
    }

    private static String text(java.util.Random r) {
        String[] parts = {"a", "id", "\"", "\\", "\n", "\u0001", "\u00e9", "\u20ac", "\ud83d\ude00", "\u2028", "/", ""};
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(4); i > 0; i--) {
            sb.append(parts[r.nextInt(parts.length)]);
        }
        return sb.toString();
    }

    @Test
    void shouldWriteJsonStraightFromValueBytesAsFromTheValue() {
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < 5000; i++) {
            Value v = random(r, 0);
            assertArrayEquals(ProtoCodec.toJson(v), ProtoCodec.toJson(v.toByteArray()), v::toString);
        }
        assertArrayEquals("null".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                ProtoCodec.toJson(new byte[0]), "no kind set");
        // other encodings of a Value are left to protobuf-java (null): two kinds, a repeated key, an unknown field
        byte[] one = Value.newBuilder().setBoolValue(true).build().toByteArray();
        byte[] two = Value.newBuilder().setNumberValue(2).build().toByteArray();
        assertNull(ProtoCodec.toJson(concat(one, two)));
        byte[] entry = Value.newBuilder().setStructValue(Struct.newBuilder().putFields("k", Value.newBuilder()
                .setBoolValue(true).build())).build().toByteArray(); // 2a len 0a len (0a 01 6b 12 ..)
        byte[] fields = Arrays.copyOfRange(entry, 2, entry.length);
        byte[] repeated = concat(new byte[] {0x2a, (byte) (2 * fields.length)}, concat(fields, fields));
        assertNull(ProtoCodec.toJson(repeated));
        assertNull(ProtoCodec.toJson(concat(one, new byte[] {0x78, 0x01})), "field 15");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void shouldWriteSimpleFramesLikeProtobufJava() {
        String long300 = "x".repeat(300);
        List<Object> data = Arrays.asList(null, "", "hello", "é€😀", long300, true, false, 0, -1, 1.5, -0.0,
                Double.NaN, Double.POSITIVE_INFINITY, Long.MAX_VALUE, 3.0f, (short) 7);
        for (String type : List.of("t", "é", long300)) {
            for (Object d : data) {
                for (long[] ids : new long[][] {{0, 0}, {1, 0}, {0, 1}, {(1L << 53) - 1, 0}, {0, 300}}) {
                    Value v;
                    if (d == null) {
                        v = Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build();
                    } else if (d instanceof String) {
                        v = Value.newBuilder().setStringValue((String) d).build();
                    } else if (d instanceof Boolean) {
                        v = Value.newBuilder().setBoolValue((Boolean) d).build();
                    } else {
                        double x = ((Number) d).doubleValue();
                        v = Double.isNaN(x) || Double.isInfinite(x) ? Value.newBuilder().setNullValue(
                                NullValue.NULL_VALUE).build() : Value.newBuilder().setNumberValue(x).build();
                    }
                    Envelope env = Envelope.newBuilder().setType(type).setData(v).setId(ids[0]).setRe(ids[1]).build();
                    for (boolean pre : new boolean[] {false, true}) {
                        assertArrayEquals(ProtoCodec.frame(env, pre), ProtoCodec.simpleFrame(type, d, ids[0], ids[1],
                                pre), () -> type + " " + d + " " + Arrays.toString(ids));
                    }
                }
            }
        }
        for (byte[] bytes : new byte[][] {{}, {0, 1, 2}, new byte[300]}) {
            for (long[] ids : new long[][] {{0, 0}, {7, 0}, {0, 300}}) {
                Envelope env = Envelope.newBuilder().setType("bytes").setOpaque(com.google.protobuf.ByteString.copyFrom(
                        bytes)).setId(ids[0]).setRe(ids[1]).build();
                for (boolean pre : new boolean[] {false, true}) {
                    assertArrayEquals(ProtoCodec.frame(env, pre), ProtoCodec.simpleFrame("bytes", bytes, ids[0],
                            ids[1], pre), () -> bytes.length + " opaque bytes " + Arrays.toString(ids));
                }
            }
        }
        // protobuf-java would write a lone surrogate as '?': refused instead, as in JSON mode
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProtoCodec.simpleFrame("t", "x\uD800", 0, 0, false));
        assertTrue(e.getMessage().contains("lone surrogate \\ud800"), e.getMessage());
        assertNull(ProtoCodec.simpleFrame("t", List.of(1), 0, 0, false));
        assertNull(ProtoCodec.simpleFrame("t", new java.math.BigDecimal("1.5"), 0, 0, false));
    }
}
