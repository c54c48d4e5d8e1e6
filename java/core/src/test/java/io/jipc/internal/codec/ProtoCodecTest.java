package io.jipc.internal.codec;

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
