package io.jipc.internal.codec.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.internal.codec.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Coverage-guided fuzz test of {@link JsonFrameDecoder} (Jazzer).
 *
 * <p>Plain {@code mvn test} replays the seeds and saved inputs in
 * {@code src/test/resources/io/jipc/internal/codec/json/JsonFrameDecoderFuzzTestInputs/decode/} (regression mode);
 * {@code JAZZER_FUZZ=1 mvn -f java/core/pom.xml test -Dtest=JsonFrameDecoderFuzzTest -Djazzer.max_duration=10m}
 * fuzzes (add {@code -Djunit.jupiter.execution.timeout.testtemplate.method.default=30m} for runs over two minutes).
 *
 * <p>Input layout: byte 0 picks the delimiter (low 4 bits), maxFrameBytes (bits 4-5), whether the sink stops at the
 * first malformed frame (bit 6) and whether chunks may be direct buffers (bit 7); byte 1 seeds the split positions;
 * the rest is the byte stream. Properties checked:
 *
 * <ul>
 *   <li>decode throws nothing (the sink never throws) and always consumes its whole source buffer;
 *   <li>at most maxFrameBytes + delimiter length bytes are ever pending;
 *   <li>the events do not depend on how the stream is split into reads, nor on heap vs direct buffers;
 *   <li>the fast path produces exactly the events of the Jackson-only path;
 *   <li>the frames are exactly the non-empty pieces between delimiters, in order; each reported frame is a piece
 *       that Jackson reads as an object whose "type" is the reported type and whose "data" is the reported data
 *       (which is itself valid JSON on its own).
 * </ul>
 */
class JsonFrameDecoderFuzzTest {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    private static final byte[][] DELIMITERS = {
        {0x0C}, // node-ipc's default
        {'\n'},
        {'\r', '\n'},
        {'}', '{'}, // appears inside JSON
        {'"'},
        {'a', 'a'}, // self-overlapping
        {'a', 'b', 'a'},
        {0x0C, 0x0C, 0x0C},
        {(byte) 0xFF},
        {0},
        {',', '"'},
        {(byte) 0xC3, (byte) 0xA9}, // a UTF-8 sequence (é)
        {'x', 'y', 'z', 'w'},
        {' '},
        {'\\'},
        {'1'},
    };
    private static final int[] MAX_FRAME_BYTES = {4096, 64, 16, 3};

    /** Records sink calls: "=type\u0000hex(data)" or "!reason". */
    private static final class Events implements FrameSink {
        final List<String> list = new ArrayList<>();
        final List<String> types = new ArrayList<>();
        final List<byte[]> data = new ArrayList<>();
        final boolean skip;

        Events(boolean skip) {
            this.skip = skip;
        }

        @Override
        public void onFrame(String type, byte[] d, PayloadFormat format, long id, long re, byte[] err) {
            assertNotNull(type, "type");
            types.add(type);
            data.add(d);
            assertSame(JsonPayload.TEXT, format, "format");
            // jipc's request/response keys too: the fast path and Jackson must extract the same ones
            list.add("=" + Golden.frame(type, d, id, re, err));
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
        final byte[] delim = DELIMITERS[cfg & 0x0F];
        final int max = MAX_FRAME_BYTES[(cfg >>> 4) & 3];
        final boolean skip = (cfg & 0x40) == 0;
        final boolean direct = (cfg & 0x80) != 0;
        final byte[] stream = Arrays.copyOfRange(input, 2, input.length);
        final String where = "delimiter " + Golden.toHex(delim) + ", max " + max + ", skip " + skip + ", stream "
                + JsonFrameFastPathTest.show(stream);

        // the reference: the whole stream in one heap buffer, fast path on
        JsonFrameDecoder fast = new JsonFrameDecoder(delim, max, FACTORY, true);
        Events whole = new Events(skip);
        feed(fast, ByteBuffer.wrap(stream), whole, max, delim.length);

        // the Jackson-only path agrees
        JsonFrameDecoder slow = new JsonFrameDecoder(delim, max, FACTORY, false);
        Events jackson = new Events(skip);
        feed(slow, ByteBuffer.wrap(stream), jackson, max, delim.length);
        assertEquals(jackson.list, whole.list, () -> "fast path disagrees with Jackson; " + where);
        assertEquals(slow.isFinished(), fast.isFinished(), () -> "isFinished; " + where);
        assertEquals(slow.pendingBytes(), fast.pendingBytes(), () -> "pendingBytes; " + where);
        assertEquals(0, slow.fastPathFrames());

        // split into reads at random positions: same events, same state
        Random r = new Random(input[1]);
        JsonFrameDecoder split = new JsonFrameDecoder(delim, max, FACTORY, r.nextBoolean());
        Events parts = new Events(skip);
        int pos = 0;
        while (pos < stream.length) {
            int n = r.nextInt(4) == 0 ? stream.length - pos : 1 + r.nextInt(Math.min(stream.length - pos, 2 * max + 8));
            n = Math.min(n, stream.length - pos);
            ByteBuffer chunk;
            int kind = direct ? r.nextInt(3) : r.nextInt(2);
            if (kind == 0) {
                chunk = ByteBuffer.wrap(stream, pos, n); // position > 0 in a larger array
            } else if (kind == 1) {
                // a slice: arrayOffset > 0
                byte[] padded = new byte[n + 3];
                System.arraycopy(stream, pos, padded, 2, n);
                chunk = ByteBuffer.wrap(padded).position(2).slice().limit(n);
            } else {
                chunk = ByteBuffer.allocateDirect(n);
                chunk.put(stream, pos, n).flip();
            }
            feed(split, chunk, parts, max, delim.length);
            pos += n;
        }
        assertEquals(whole.list, parts.list, () -> "split changes the events; " + where);
        assertEquals(fast.isFinished(), split.isFinished(), () -> "isFinished after split; " + where);
        if (!fast.isFinished()) {
            assertEquals(fast.pendingBytes(), split.pendingBytes(), () -> "pendingBytes after split; " + where);
        }

        checkFrames(stream, delim, max, whole, where);
    }

    /** Decodes {@code src} and checks what the API promises about the source and the buffered bytes. */
    private static void feed(JsonFrameDecoder d, ByteBuffer src, Events sink, int max, int dlen) {
        d.decode(src, sink);
        assertTrue(!src.hasRemaining(), "decode left bytes in the source");
        assertTrue(d.pendingBytes() >= 0 && d.pendingBytes() <= max + dlen,
                () -> "pending " + d.pendingBytes() + " > max " + max + " + delimiter " + dlen);
        if (d.isFinished()) {
            assertEquals(0, d.pendingBytes());
        }
    }

    /**
     * Checks every reported frame against a plain model: the stream cut at each (leftmost, non-overlapping)
     * delimiter, empty pieces dropped; every reported frame is the next piece, and Jackson reads it to the same
     * type and data.
     */
    private static void checkFrames(byte[] stream, byte[] delim, int max, Events events, String where) {
        List<byte[]> pieces = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i <= stream.length - delim.length) {
            if (Arrays.equals(stream, i, i + delim.length, delim, 0, delim.length)) {
                if (i > start) {
                    pieces.add(Arrays.copyOfRange(stream, start, i));
                }
                i += delim.length;
                start = i;
            } else {
                i++;
            }
        }
        int frame = 0;
        int piece = 0;
        for (String e : events.list) {
            assertTrue(piece < pieces.size() || e.startsWith("!"), () -> "more events than pieces; " + where);
            if (e.startsWith("!")) {
                piece++; // a malformed piece (or the oversize unterminated tail)
                continue;
            }
            byte[] text = pieces.get(piece++);
            assertTrue(text.length <= max, () -> "a frame over maxFrameBytes was accepted; " + where);
            String type = events.types.get(frame);
            byte[] data = events.data.get(frame);
            frame++;
            JsonNode tree;
            try {
                tree = MAPPER.readTree(text);
            } catch (IOException ex) {
                throw new AssertionError("Jackson rejects an accepted frame: " + ex + "; " + where, ex);
            }
            assertTrue(tree != null && tree.isObject(), () -> "accepted frame is not an object; " + where);
            JsonNode t = tree.get("type");
            assertTrue(t != null && t.isTextual(), () -> "accepted frame has no string type; " + where);
            assertEquals(t.textValue(), type, () -> "type; " + where);
            JsonNode expected = tree.get("data");
            if (data == null) {
                assertTrue(expected == null, () -> "data reported absent; " + where);
            } else {
                assertTrue(data.length > 0, "empty data");
                JsonNode actual;
                try {
                    actual = MAPPER.readTree(data);
                } catch (IOException ex) {
                    throw new AssertionError("data is not valid JSON on its own: " + ex + "; " + where, ex);
                }
                assertEquals(expected, actual, () -> "data; " + where);
            }
        }
    }
}
