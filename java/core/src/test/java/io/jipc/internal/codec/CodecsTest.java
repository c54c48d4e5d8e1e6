package io.jipc.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jipc.Wire;
import io.jipc.internal.codec.json.JsonWireCodec;
import io.jipc.internal.codec.proto.ProtoWireCodec;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codec registry: what Wire names, detection order and its fallback, and registering one more codec. */
class CodecsTest {
    /** A codec known by the first byte 0x01 (test only; it never makes a decoder or an encoder). */
    private static final WireCodec ONES = new WireCodec() {
        @Override
        public String name() {
            return "ones";
        }

        @Override
        public FrameDecoder newDecoder(CodecContext ctx, boolean accepting) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FrameEncoder newEncoder(CodecContext ctx) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean detect(ByteBuffer first) {
            return first.get(first.position()) == 1;
        }
    };

    private static ByteBuffer bytes(int... b) {
        ByteBuffer buf = ByteBuffer.allocate(b.length);
        for (int x : b) {
            buf.put((byte) x);
        }
        return buf.flip();
    }

    @Test
    void shouldMapWireToTheBuiltInCodecsAndDetectByTheFirstByte() {
        Codecs c = Codecs.builtIn();
        assertSame(JsonWireCodec.INSTANCE, c.forWire(Wire.JSON));
        assertSame(ProtoWireCodec.INSTANCE, c.forWire(Wire.PROTO));
        assertNull(c.forWire(Wire.AUTO), "AUTO detects per connection");
        assertSame(JsonWireCodec.INSTANCE, c.fallback());
        assertEquals(List.of(ProtoWireCodec.INSTANCE, JsonWireCodec.INSTANCE), c.all());
        assertSame(ProtoWireCodec.INSTANCE, c.detect(bytes(0x8f, 'j')));
        assertSame(JsonWireCodec.INSTANCE, c.detect(bytes('{')));
        assertSame(JsonWireCodec.INSTANCE, c.detect(bytes()), "nothing to tell it by: the fallback");
        ByteBuffer b = bytes(0x8f);
        c.detect(b);
        assertEquals(0, b.position(), "detection consumes nothing");
    }

    @Test
    void shouldRegisterOneMoreCodecWithoutChangingTheBuiltInRegistry() {
        Codecs more = Codecs.builtIn().with(ONES);
        assertSame(ONES, more.detect(bytes(1, 2)));
        assertSame(JsonWireCodec.INSTANCE, Codecs.builtIn().detect(bytes(1, 2)), "the built-in registry is unchanged");
        assertEquals(List.of(ProtoWireCodec.INSTANCE, ONES, JsonWireCodec.INSTANCE), more.all());
        assertEquals(1, more.indexOf(ONES));
        assertSame(ProtoWireCodec.INSTANCE, more.forWire(Wire.PROTO), "named by no wire setting unless asked");
        assertSame(ONES, Codecs.builtIn().with(ONES, Wire.PROTO).forWire(Wire.PROTO));
        assertThrows(IllegalArgumentException.class, () -> more.with(ONES), "registered twice");
        assertThrows(IllegalArgumentException.class, () -> Codecs.builtIn().with(ONES, Wire.AUTO));
        assertThrows(IllegalArgumentException.class, () -> Codecs.builtIn().indexOf(ONES));
    }
}
