package io.jipc.internal.codec.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jipc.internal.codec.AutoFrameDecoder;
import io.jipc.internal.codec.CodecContext;
import io.jipc.internal.codec.Codecs;
import io.jipc.internal.codec.FrameDecoder;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.Golden;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.internal.codec.WireCodec;
import io.jipc.internal.codec.json.JsonFrameDecoder;
import io.jipc.internal.codec.json.JsonWireCodec;
import io.jipc.proto.v1.Envelope;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Coverage-guided fuzz test of {@link ProtoFrameDecoder} and of AUTO codec detection ({@link AutoFrameDecoder})
 * (Jazzer).
 *
 * <p>Plain {@code mvn test} replays the seeds and saved inputs in
 * {@code src/test/resources/io/jipc/internal/codec/proto/ProtoFrameDecoderFuzzTestInputs/<method>/} (regression mode);
 * {@code JAZZER_FUZZ=1 mvn -f java/core/pom.xml test -Dtest=ProtoFrameDecoderFuzzTest -Djazzer.max_duration=10m}
 * fuzzes.
 *
 * <p>Input layout: byte 0 picks maxFrameBytes (bits 0-1), whether the preamble is expected (bit 2) and whether the
 * sink stops at the first malformed frame (bit 3); byte 1 seeds the split positions; the rest is the byte stream.
 */
class ProtoFrameDecoderFuzzTest {
    private static final int[] MAX_FRAME_BYTES = {4096, 64, 16, 1};
    private static final byte[] DELIM = {0x0C};

    /** Records sink calls: "codec:X", "=type hex(envelope)" or "!reason". */
    private static final class Events implements FrameSink {
        final List<String> list = new ArrayList<>();
        final List<Envelope> envelopes = new ArrayList<>();
        final boolean skip;

        Events(boolean skip) {
            this.skip = skip;
        }

        @Override
        public void onFrame(String type, byte[] d, PayloadFormat format, long id, long re, byte[] err) {
            assertNotNull(type);
            if (format instanceof ProtoPayload) {
                Envelope env = Envelopes.of(type, d, format, id, re, err);
                assertFalse(env.getType().isEmpty(), "an envelope without type was accepted");
                envelopes.add(env);
                list.add("=" + env.getType() + "\u0000" + Golden.toHex(env.toByteArray()));
                return;
            }
            list.add("json=" + Golden.frame(type, d, id, re, err));
        }

        @Override
        public void onCodec(WireCodec codec) {
            list.add("codec:" + codec);
        }

        @Override
        public boolean onMalformed(String code, String reason) {
            assertNotNull(reason, "reason");
            list.add("!" + reason);
            return skip;
        }
    }

    @FuzzTest
    void decode(byte[] input) {
        if (input.length < 2) {
            return;
        }
        final int cfg = input[0] & 0xFF;
        final int max = MAX_FRAME_BYTES[cfg & 3];
        final boolean preamble = (cfg & 4) != 0;
        final boolean skip = (cfg & 8) == 0;
        final byte[] stream = Arrays.copyOfRange(input, 2, input.length);

        ProtoFrameDecoder whole = new ProtoFrameDecoder(max, preamble);
        Events all = new Events(skip);
        feed(whole, ByteBuffer.wrap(stream), all, max);
        for (Envelope e : all.envelopes) {
            assertTrue(e.getSerializedSize() <= max, "an envelope over maxFrameBytes was accepted");
        }

        Events parts = new Events(skip);
        ProtoFrameDecoder split = new ProtoFrameDecoder(max, preamble);
        splitFeed(split, stream, new Random(input[1]), parts, max);
        assertEquals(all.list, parts.list, "split changes the events");
        assertEquals(whole.isFinished(), split.isFinished());
        assertEquals(whole.pendingBytes(), split.pendingBytes());

        // a datagram is accepted exactly when it is the preamble plus one whole frame that the stream decoder takes
        if (preamble) {
            Events dg = new Events(false);
            ProtoFrameDecoder.decodeDatagram(ByteBuffer.wrap(stream), max, dg);
            assertEquals(1, dg.list.size(), "a datagram gives exactly one event");
            if (dg.list.get(0).startsWith("=")) {
                assertEquals(dg.list.get(0), all.list.get(0), "datagram and stream disagree");
                assertEquals(0, whole.pendingBytes(), "the datagram had trailing bytes");
            }
        }
    }

    /** AUTO: the first byte decides, and then the events are exactly those of the chosen decoder. */
    @FuzzTest
    void detect(byte[] input) {
        if (input.length < 2) {
            return;
        }
        final int cfg = input[0] & 0xFF;
        final int max = MAX_FRAME_BYTES[cfg & 3];
        final boolean skip = (cfg & 8) == 0;
        final byte[] stream = Arrays.copyOfRange(input, 2, input.length);
        com.fasterxml.jackson.core.JsonFactory factory = new com.fasterxml.jackson.databind.ObjectMapper().getFactory();

        AutoFrameDecoder auto = new AutoFrameDecoder(Codecs.builtIn(), new CodecContext(io.jipc.IpcConfig.defaults()
                .delimiter(new String(DELIM, java.nio.charset.StandardCharsets.UTF_8)).maxFrameBytes(max),
                new com.fasterxml.jackson.databind.ObjectMapper(factory)));
        Events got = new Events(skip);
        splitFeed(auto, stream, new Random(input[1]), got, max + 1);
        if (stream.length == 0) {
            assertTrue(got.list.isEmpty());
            assertEquals(null, auto.codec());
            return;
        }
        boolean proto = stream[0] == ProtoFrameDecoder.MAGIC0;
        assertEquals("codec:" + (proto ? ProtoWireCodec.INSTANCE : JsonWireCodec.INSTANCE), got.list.get(0),
                "codec first, once");
        FrameDecoder direct = proto ? new ProtoFrameDecoder(max, true) : new JsonFrameDecoder(DELIM, max, factory);
        Events expected = new Events(skip);
        expected.list.add("codec:" + (proto ? ProtoWireCodec.INSTANCE : JsonWireCodec.INSTANCE));
        feed(direct, ByteBuffer.wrap(stream), expected, max + 1);
        assertEquals(expected.list, got.list);
        assertEquals(direct.isFinished(), auto.isFinished());
        assertEquals(direct.pendingBytes(), auto.pendingBytes());
    }

    private static void splitFeed(FrameDecoder d, byte[] stream, Random r, Events sink, int max) {
        int pos = 0;
        while (pos < stream.length) {
            int n = r.nextInt(4) == 0 ? stream.length - pos : 1 + r.nextInt(Math.min(stream.length - pos, 2 * max + 8));
            n = Math.min(n, stream.length - pos);
            ByteBuffer chunk;
            int kind = r.nextInt(3);
            if (kind == 0) {
                chunk = ByteBuffer.wrap(stream, pos, n);
            } else if (kind == 1) {
                byte[] padded = new byte[n + 3];
                System.arraycopy(stream, pos, padded, 2, n);
                chunk = ByteBuffer.wrap(padded).position(2).slice().limit(n);
            } else {
                chunk = ByteBuffer.allocateDirect(n);
                chunk.put(stream, pos, n).flip();
            }
            feed(d, chunk, sink, max);
            pos += n;
        }
    }

    private static void feed(FrameDecoder d, ByteBuffer src, Events sink, int max) {
        d.decode(src, sink);
        assertFalse(src.hasRemaining(), "decode left bytes in the source");
        // preamble (6) + varint (5) + at most max body bytes
        assertTrue(d.pendingBytes() >= 0 && d.pendingBytes() <= max + 11, () -> "pending " + d.pendingBytes());
    }
}
