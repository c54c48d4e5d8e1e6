package io.jipc.internal.codec.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.internal.codec.Golden;
import io.jipc.internal.codec.proto.ProtoFrameDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonFrameDecoderTest {

    private static final byte[] FF = {0x0C};
    private static final int DEFAULT_MAX = 16 * 1024 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    /** Records sink calls as comparable strings; frames as "type=data-text". */
    static final class Recorder implements FrameSink {
        final List<String> events = new ArrayList<>();
        final List<String> types = new ArrayList<>();
        final List<byte[]> data = new ArrayList<>();
        /** The error code of each malformed frame, in order. */
        final List<String> codes = new ArrayList<>();
        final boolean skip;

        Recorder(boolean skip) {
            this.skip = skip;
        }

        Recorder() {
            this(true);
        }

        @Override
        public void onFrame(String type, byte[] d, PayloadFormat format, long id, long re, byte[] error) {
            types.add(type);
            data.add(d);
            events.add(type + "=" + (d == null ? "<absent>" : new String(d, StandardCharsets.UTF_8)));
        }

        @Override
        public boolean onMalformed(String code, String reason) {
            codes.add(code);
            events.add("!" + reason);
            return skip;
        }

        List<String> malformed() {
            return events.stream().filter(e -> e.startsWith("!")).toList();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static JsonFrameDecoder decoder() {
        return new JsonFrameDecoder(FF, DEFAULT_MAX, FACTORY);
    }

    private static ByteBuffer direct(byte[] b, int off, int len) {
        ByteBuffer d = ByteBuffer.allocateDirect(len);
        d.put(b, off, len).flip();
        return d;
    }

    /** Decodes {@code stream} cut at the given positions, with heap (offset slices) or direct buffers. */
    private static Recorder decodeSplit(JsonFrameDecoder dec, byte[] stream, boolean useDirect, int... cuts) {
        Recorder r = new Recorder();
        int prev = 0;
        int[] all = Arrays.copyOf(cuts, cuts.length + 1);
        all[cuts.length] = stream.length;
        for (int cut : all) {
            ByteBuffer b = useDirect ? direct(stream, prev, cut - prev)
                    : ByteBuffer.wrap(stream, prev, cut - prev);
            dec.decode(b, r);
            assertFalse(b.hasRemaining(), "decode consumes everything");
            prev = cut;
        }
        return r;
    }

    private static Recorder decodeAll(byte[] stream) {
        return decodeSplit(decoder(), stream, false);
    }

    private static List<String> expectedEvents(String... names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            Golden.Case c = Golden.get(n);
            out.add(typeOf(c.frame()) + "=" + new String(c.data(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Frame type as read independently by Jackson's tree model. */
    private static String typeOf(byte[] frame) {
        try {
            JsonNode n = MAPPER.readTree(Arrays.copyOf(frame, frame.length - 1));
            return n.get("type").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---- golden transcripts -------------------------------------------------------------------------------------

    /** node's JSON.stringify escapes lone surrogates; jipc refuses them in both codecs (proto/README.md, section 2). */
    private static final String LONE = "ev_lone_surrogates";

    @Test
    void shouldDecodeEveryGoldenFrame() {
        for (Golden.Case c : Golden.all().values()) {
            if (c.name().equals(LONE)) {
                continue; // shouldRefuseLoneSurrogates
            }
            Recorder r = decodeAll(c.frame());
            assertEquals(1, r.events.size(), c.name() + ": " + r.events);
            assertEquals(typeOf(c.frame()), r.types.get(0), c.name());
            assertArrayEquals(c.data(), r.data.get(0), c.name() + " data bytes");
        }
    }

    @Test
    void shouldRefuseLoneSurrogates() {
        // what node writes for a string of three lone surrogates (D800, DC00, D83D): JSON, but not Unicode text
        assertEquals(List.of("!malformed JSON frame: lone surrogate \\ud800 at byte 21 (not Unicode text; a protobuf "
                + "peer could not receive it)"), decodeAll(Golden.get(LONE).frame()).events);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"type\":\"t\",\"data\":\"\\udc00\"}", "\\udc00 at byte 20");
        cases.put("{\"type\":\"t\",\"data\":\"\\ud83dx\"}", "\\ud83d at byte 20");
        cases.put("{\"type\":\"t\",\"data\":\"\\ud83d\\u0041\"}", "\\ud83d at byte 20");
        cases.put("{\"type\":\"t\",\"data\":[\"\\ud83d\\ude00\",\"\\ude00\\ud83d\"]}", "\\ude00 at byte 36");
        cases.put("{\"type\":\"\\ud800\",\"data\":1}", "\\ud800 at byte 9");
        cases.put("{\"data\":{\"a\":\"\\\\\\uDBFF\"},\"type\":\"t\"}", "\\uDBFF at byte 16");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            for (boolean fast : new boolean[] {true, false}) {
                Recorder r = new Recorder();
                new JsonFrameDecoder(FF, DEFAULT_MAX, FACTORY, fast).decode(ByteBuffer.wrap(utf8(c.getKey() + "\f")), r);
                assertEquals(List.of("!malformed JSON frame: lone surrogate " + c.getValue()
                        + " (not Unicode text; a protobuf peer could not receive it)"), r.events, c.getKey());
            }
        }
        // pairs, escaped or not, and escaped backslashes before a "u" are text
        assertEquals(List.of("t=\"\\ud83d\\ude00\\uD83D\\uDE00\u00e9\\\\ud800\""), decodeAll(utf8(
                "{\"type\":\"t\",\"data\":\"\\ud83d\\ude00\\uD83D\\uDE00\u00e9\\\\ud800\"}\f")).events);
    }

    @Test
    void shouldRefuseAnEmptyType() {
        for (String frame : new String[] {"{\"type\":\"\",\"data\":1}\f", "{\"data\":1,\"type\":\"\"}\f",
            "{\"type\":\"\"}\f", "{ \"type\" : \"\" }\f"}) {
            for (boolean fast : new boolean[] {true, false}) {
                Recorder r = new Recorder();
                new JsonFrameDecoder(FF, DEFAULT_MAX, FACTORY, fast).decode(ByteBuffer.wrap(utf8(frame)), r);
                assertEquals(List.of("!frame type is empty (a type is required: proto/README.md, section 1)"), r.events,
                        frame);
            }
        }
    }

    @Test
    void shouldDecodeWireTranscriptFromSection13() {
        byte[] frame = Golden.hex("7b 22 74 79 70 65 22 3a 22 6d 65 73 73 61 67 65 22 2c 22 64 61 74 61 22 3a"
                + " 22 68 65 6c 6c 6f 22 7d 0c");
        Recorder r = decodeAll(frame);
        assertEquals(List.of("message=\"hello\""), r.events);

        Recorder obj = decodeAll(utf8("{\"type\":\"message\",\"data\":{\"id\":\"client1\",\"n\":1,\"s\":\"\u00e9\u20ac\"}}\f"));
        assertEquals(List.of("message={\"id\":\"client1\",\"n\":1,\"s\":\"\u00e9\u20ac\"}"), obj.events);
        assertEquals(List.of("news={\"n\":1}"), decodeAll(Golden.get("news").frame()).events);
        assertEquals(List.of("ev={}"), decodeAll(utf8("{\"type\":\"ev\",\"data\":{}}\f")).events);
    }

    @Test
    void shouldDispatchEachFrameAsSoonAsItsDelimiterArrives() {
        JsonFrameDecoder dec = decoder();
        Recorder r = new Recorder();
        dec.decode(ByteBuffer.wrap(utf8("{\"type\":\"message\",\"da")), r);
        assertEquals(List.of(), r.events);
        assertEquals(21, dec.pendingBytes());
        dec.decode(ByteBuffer.wrap(utf8("ta\":\"A\"}\f{\"type\":\"message\",\"data\":\"B\"")), r);
        assertEquals(List.of("message=\"A\""), r.events, "A before B has arrived (node-ipc 14 behaviour)");
        dec.decode(ByteBuffer.wrap(utf8("}\f")), r);
        assertEquals(List.of("message=\"A\"", "message=\"B\""), r.events);
        assertEquals(0, dec.pendingBytes());
    }

    // ---- splitting ------------------------------------------------------------------------------------------------

    private static byte[] multiFrameStream() {
        return concat(Golden.get("message_hello").frame(), Golden.get("message_object").frame(),
                Golden.get("ev_unicode").frame(), Golden.get("ev_nested").frame(), Golden.get("type_escapes").frame(),
                Golden.get("ev_numbers").frame());
    }

    private static final String[] MULTI = {"message_hello", "message_object", "ev_unicode", "ev_nested",
        "type_escapes", "ev_numbers"};

    @Test
    void shouldDecodeEverySplitPositionIdentically() {
        byte[] stream = multiFrameStream();
        List<String> expected = expectedEvents(MULTI);
        assertEquals(expected, decodeAll(stream).events);
        for (int cut = 0; cut <= stream.length; cut++) {
            assertEquals(expected, decodeSplit(decoder(), stream, false, cut).events, "heap split at " + cut);
            assertEquals(expected, decodeSplit(decoder(), stream, true, cut).events, "direct split at " + cut);
        }
    }

    @Test
    void shouldDecodeEveryPairOfSplitPositionsIdentically() {
        byte[] stream = concat(Golden.get("message_hello").frame(), Golden.get("ev_unicode").frame(),
                Golden.get("news").frame());
        List<String> expected = expectedEvents("message_hello", "ev_unicode", "news");
        for (int a = 0; a <= stream.length; a++) {
            for (int b = a; b <= stream.length; b++) {
                assertEquals(expected, decodeSplit(decoder(), stream, false, a, b).events, "cuts " + a + "," + b);
            }
        }
    }

    @Test
    void shouldDecodeByteAtATime() {
        byte[] stream = multiFrameStream();
        List<String> expected = expectedEvents(MULTI);
        for (boolean useDirect : new boolean[] {false, true}) {
            JsonFrameDecoder dec = decoder();
            Recorder r = new Recorder();
            for (int i = 0; i < stream.length; i++) {
                dec.decode(useDirect ? direct(stream, i, 1) : ByteBuffer.wrap(stream, i, 1), r);
            }
            assertEquals(expected, r.events, useDirect ? "direct" : "heap");
            assertEquals(0, dec.pendingBytes());
        }
    }

    @Test
    void shouldDecodeSeveralFramesFromOneBufferOfAnyKind() {
        byte[] stream = multiFrameStream();
        List<String> expected = expectedEvents(MULTI);
        assertEquals(expected, decodeSplit(decoder(), stream, true).events, "direct");
        // heap buffer with a non-zero array offset and position
        byte[] padded = concat(utf8("XXXXXXX"), stream, utf8("YYY"));
        ByteBuffer slice = ByteBuffer.wrap(padded, 3, padded.length - 6).slice();
        slice.position(4).limit(4 + stream.length);
        Recorder r = new Recorder();
        decoder().decode(slice, r);
        assertEquals(expected, r.events, "sliced heap");
        assertEquals(4 + stream.length, slice.position());
        // read-only heap buffers have no accessible array
        Recorder ro = new Recorder();
        decoder().decode(ByteBuffer.wrap(stream).asReadOnlyBuffer(), ro);
        assertEquals(expected, ro.events, "read-only heap");
        // heap chunks of assorted sizes
        for (int chunk : new int[] {2, 7, 33, 100, 1000}) {
            JsonFrameDecoder dec = decoder();
            Recorder rc = new Recorder();
            for (int i = 0; i < stream.length; i += chunk) {
                dec.decode(ByteBuffer.wrap(stream, i, Math.min(chunk, stream.length - i)), rc);
            }
            assertEquals(expected, rc.events, "chunk " + chunk);
        }
    }

    @Test
    void shouldSkipEmptyFramesSilently() {
        byte[] stream = utf8("\f\f{\"type\":\"a\",\"data\":1}\f\f\f{\"type\":\"b\"}\f\f");
        Recorder r = decodeAll(stream);
        assertEquals(List.of("a=1", "b=<absent>"), r.events);
        for (int cut = 0; cut <= stream.length; cut++) {
            assertEquals(r.events, decodeSplit(decoder(), stream, false, cut).events);
        }
    }

    // ---- delimiters ----------------------------------------------------------------------------------------------

    @Test
    void shouldUseCustomSingleByteDelimiter() {
        JsonFrameDecoder dec = new JsonFrameDecoder(new byte[] {'\n'}, 1000, FACTORY);
        Recorder r = new Recorder();
        dec.decode(ByteBuffer.wrap(utf8("{\"type\":\"a\",\"data\":\"x\\ny\\f\"}\n{\"type\":\"b\",\"data\":2}\n")), r);
        assertEquals(List.of("a=\"x\\ny\\f\"", "b=2"), r.events);
    }

    @Test
    void shouldSplitMultiByteDelimiterAtEveryPosition() {
        for (String delim : new String[] {"\r\n", "<END>", "##", "#!#", "\u00e9\u20ac"}) {
            byte[] d = utf8(delim);
            byte[] stream = concat(utf8("{\"type\":\"a\",\"data\":\"#!\"}"), d, d,
                    utf8("{\"type\":\"\u00e9\",\"data\":[1,{\"k\":\"<EN\"}]}"), d,
                    utf8("{\"type\":\"c\",\"data\":\"\u20ac\"}"), d);
            List<String> expected = List.of("a=\"#!\"", "\u00e9=[1,{\"k\":\"<EN\"}]", "c=\"\u20ac\"");
            assertEquals(expected, decodeSplit(new JsonFrameDecoder(d, 1000, FACTORY), stream, false).events, delim);
            for (int a = 0; a <= stream.length; a++) {
                for (int b = a; b <= stream.length; b += 3) {
                    boolean useDirect = (a + b) % 2 == 0;
                    assertEquals(expected,
                            decodeSplit(new JsonFrameDecoder(d, 1000, FACTORY), stream, useDirect, a, b).events,
                            delim + " cuts " + a + "," + b);
                }
            }
            JsonFrameDecoder dec = new JsonFrameDecoder(d, 1000, FACTORY);
            Recorder r = new Recorder();
            for (int i = 0; i < stream.length; i++) {
                dec.decode(ByteBuffer.wrap(stream, i, 1), r);
            }
            assertEquals(expected, r.events, delim + " byte at a time");
        }
    }

    @Test
    void shouldRejectEmptyDelimiterAndBadLimit() {
        assertThrows(IllegalArgumentException.class, () -> new JsonFrameDecoder(new byte[0], 10, FACTORY));
        assertThrows(IllegalArgumentException.class, () -> new JsonFrameDecoder(FF, 0, FACTORY));
        JsonFactory charParsers = JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new JsonFrameDecoder(FF, 10, charParsers));
        assertTrue(e.getMessage().contains("UTF-8 byte parsers"), e.getMessage());
    }

    // ---- sizes ---------------------------------------------------------------------------------------------------

    private static byte[] frameWithStringOfLength(String type, int n) {
        byte[] head = utf8("{\"type\":\"" + type + "\",\"data\":\"");
        byte[] out = new byte[head.length + n + 3];
        System.arraycopy(head, 0, out, 0, head.length);
        Arrays.fill(out, head.length, head.length + n, (byte) 'x');
        out[out.length - 3] = '"';
        out[out.length - 2] = '}';
        out[out.length - 1] = 0x0C;
        return out;
    }

    @Test
    void shouldRoundTripEightMebibyteFrame() {
        JsonFrameEncoder enc = new JsonFrameEncoder(FF, MAPPER);
        StringBuilder sb = new StringBuilder(8 * 1024 * 1024);
        for (int i = 0; sb.length() < 8 * 1024 * 1024; i++) {
            sb.append("chunk ").append(i).append(" \u00e9\u20ac\ud83d\ude00\n");
        }
        String big = sb.toString();
        byte[] frame = concat(enc.encode("big", big), enc.encode("after", 1));
        assertTrue(frame.length > 8 * 1024 * 1024);
        byte[] expectedData = Arrays.copyOfRange(frame, "{\"type\":\"big\",\"data\":".length(),
                frame.length - enc.encode("after", 1).length - 2);

        // whole frame in one heap buffer: parsed in place
        JsonFrameDecoder dec = decoder();
        Recorder r = new Recorder();
        dec.decode(ByteBuffer.wrap(frame), r);
        assertEquals(List.of("big", "after"), r.types);
        assertArrayEquals(expectedData, r.data.get(0));
        assertEquals(0, dec.bufferCapacity(), "nothing buffered");

        for (boolean useDirect : new boolean[] {false, true}) {
            JsonFrameDecoder d2 = decoder();
            Recorder r2 = new Recorder();
            int chunk = 64 * 1024;
            for (int i = 0; i < frame.length; i += chunk) {
                int n = Math.min(chunk, frame.length - i);
                d2.decode(useDirect ? direct(frame, i, n) : ByteBuffer.wrap(frame, i, n), r2);
                assertTrue(d2.bufferCapacity() <= DEFAULT_MAX + 1, "bounded buffer");
            }
            assertEquals(List.of("big", "after"), r2.types);
            assertArrayEquals(expectedData, r2.data.get(0));
            String text = MAPPER.convertValue(readJson(r2.data.get(0)), String.class);
            assertEquals(big, text);
            assertTrue(d2.bufferCapacity() <= JsonFrameDecoder.RETAIN_LIMIT,
                    "large buffer released once empty: " + d2.bufferCapacity());
        }
    }

    private static JsonNode readJson(byte[] b) {
        try {
            return MAPPER.readTree(b);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldReportFrameOneByteOverDefaultLimitWithoutBufferingIt() {
        String reason = "frame exceeds maxFrameBytes (16777216 bytes)";
        byte[] exact = frameWithStringOfLength("ok", DEFAULT_MAX - "{\"type\":\"ok\",\"data\":\"\"}".length());
        assertEquals(DEFAULT_MAX + 1, exact.length, "frame of exactly maxFrameBytes plus delimiter");
        byte[] over = frameWithStringOfLength("no", DEFAULT_MAX + 1 - "{\"type\":\"no\",\"data\":\"\"}".length());
        assertEquals(DEFAULT_MAX + 2, over.length);
        byte[] next = utf8("{\"type\":\"next\",\"data\":1}\f");
        byte[] stream = concat(exact, over, next);

        for (int mode = 0; mode < 3; mode++) {
            JsonFrameDecoder dec = decoder();
            Recorder r = new Recorder();
            int maxCapacity = 0;
            int maxPending = 0;
            if (mode == 0) {
                dec.decode(ByteBuffer.wrap(stream), r);
            } else {
                int chunk = 64 * 1024 + 17;
                for (int i = 0; i < stream.length; i += chunk) {
                    int n = Math.min(chunk, stream.length - i);
                    dec.decode(mode == 1 ? ByteBuffer.wrap(stream, i, n) : direct(stream, i, n), r);
                    maxCapacity = Math.max(maxCapacity, dec.bufferCapacity());
                    maxPending = Math.max(maxPending, dec.pendingBytes());
                }
            }
            assertEquals(List.of("ok", "next"), r.types, "mode " + mode);
            assertEquals(List.of("!" + reason), r.malformed(), "mode " + mode);
            assertEquals(r.events.get(1), "!" + reason, "reported in order");
            assertTrue(maxCapacity <= DEFAULT_MAX + 1, "capacity " + maxCapacity);
            assertTrue(maxPending <= DEFAULT_MAX, "pending " + maxPending);
            assertFalse(dec.isFinished());
        }
    }

    @Test
    void shouldReportOversizeBeforeTheDelimiterArrives() {
        int max = 1000;
        for (String delim : new String[] {"\f", "<END>"}) {
            byte[] d = utf8(delim);
            byte[] big = frameWithStringOfLength("big", 5000);
            byte[] body = Arrays.copyOf(big, big.length - 1); // without the \f
            for (boolean oneBuffer : new boolean[] {true, false}) {
                JsonFrameDecoder dec = new JsonFrameDecoder(d, max, FACTORY);
                Recorder r = new Recorder();
                if (oneBuffer) {
                    dec.decode(ByteBuffer.wrap(body), r);
                    assertTrue(dec.bufferCapacity() <= JsonFrameDecoder.INITIAL_CAPACITY, "not buffered");
                } else {
                    for (int i = 0; i < body.length; i += 100) {
                        dec.decode(ByteBuffer.wrap(body, i, Math.min(100, body.length - i)), r);
                        assertTrue(dec.pendingBytes() <= max + d.length, "pending " + dec.pendingBytes());
                        if (i >= max + d.length) {
                            assertEquals(1, r.malformed().size(), "reported as soon as the limit is passed");
                        }
                    }
                }
                assertEquals(List.of("!frame exceeds maxFrameBytes (1000 bytes)"), r.events, delim);
                assertTrue(dec.pendingBytes() < d.length, "discarding, not buffering");
                // the rest of the big frame, with the delimiter split, then a good frame
                byte[] rest = concat(d, utf8("{\"type\":\"good\",\"data\":true}"), d);
                for (int i = 0; i < rest.length; i++) {
                    dec.decode(ByteBuffer.wrap(rest, i, 1), r);
                }
                assertEquals(List.of("!frame exceeds maxFrameBytes (1000 bytes)", "good=true"), r.events, delim);
            }
        }
    }

    @Test
    void shouldAcceptFrameOfExactlyMaxBytesWithSmallLimit() {
        byte[] f = utf8("{\"type\":\"a\",\"data\":\"0123456789\"}\f");
        int size = f.length - 1;
        assertEquals(List.of("a=\"0123456789\""), decodeSplit(new JsonFrameDecoder(FF, size, FACTORY), f, false, 5).events);
        assertEquals(List.of("!frame exceeds maxFrameBytes (" + (size - 1) + " bytes)"),
                decodeSplit(new JsonFrameDecoder(FF, size - 1, FACTORY), f, false, 5).events);
        assertEquals(List.of("!frame exceeds maxFrameBytes (" + (size - 1) + " bytes)"),
                decodeSplit(new JsonFrameDecoder(FF, size - 1, FACTORY), f, false).events);
    }

    @Test
    void shouldShrinkBufferAfterLargePartialFrame() {
        JsonFrameDecoder dec = decoder();
        Recorder r = new Recorder();
        byte[] big = frameWithStringOfLength("big", 1_000_000);
        byte[] tail = utf8("{\"type\":\"pa");
        byte[] stream = concat(big, tail);
        // feed in pieces so the big frame has to be buffered, ending with a small partial frame
        int chunk = 10_000;
        for (int i = 0; i < stream.length; i += chunk) {
            dec.decode(ByteBuffer.wrap(stream, i, Math.min(chunk, stream.length - i)), r);
        }
        assertEquals(List.of("big"), r.types);
        assertEquals(tail.length, dec.pendingBytes());
        assertTrue(dec.bufferCapacity() <= JsonFrameDecoder.RETAIN_LIMIT, "shrunk: " + dec.bufferCapacity());
        dec.decode(ByteBuffer.wrap(utf8("rt\",\"data\":0}\f")), r);
        assertEquals(List.of("big", "part"), r.types);
    }

    // ---- malformed frames -----------------------------------------------------------------------------------------

    private static String onlyReason(String frame) {
        Recorder r = decodeAll(utf8(frame + "\f"));
        assertEquals(1, r.events.size(), frame + " -> " + r.events);
        assertTrue(r.events.get(0).startsWith("!"), frame + " -> " + r.events);
        return r.events.get(0).substring(1);
    }

    @Test
    void shouldReportMalformedFrames() {
        String notJson = onlyReason("{not json}");
        assertTrue(notJson.startsWith("malformed JSON frame: Unexpected character ('n'"), notJson);
        assertTrue(notJson.endsWith(" at byte 1"), notJson);
        assertTrue(onlyReason("garbage").startsWith("malformed JSON frame: Unrecognized token 'garbage'"));
        assertEquals("frame is not a {type,data} object", onlyReason("42"));
        assertEquals("frame is not a {type,data} object", onlyReason("[]"));
        assertEquals("frame is not a {type,data} object", onlyReason("\"type\""));
        assertEquals("frame is not a {type,data} object", onlyReason("null"));
        assertTrue(onlyReason("[1,").startsWith("malformed JSON frame: "), "invalid JSON wins over not-an-object");
        assertEquals("frame type is not a string", onlyReason("{\"type\":1}"));
        assertEquals("frame type is not a string", onlyReason("{\"type\":null,\"data\":1}"));
        assertEquals("frame type is not a string", onlyReason("{\"type\":{\"a\":\"b\"}}"));
        assertEquals("frame has no type", onlyReason("{\"data\":1}"));
        assertEquals("frame has no type", onlyReason("{}"));
        String trailing = onlyReason("{\"type\":\"a\",\"data\":1}x");
        assertTrue(trailing.startsWith("malformed JSON frame: ") && trailing.endsWith("at byte 21"), trailing);
        String second = onlyReason("{\"type\":\"a\"} {\"type\":\"b\"}");
        assertEquals("malformed JSON frame: unexpected data after the JSON value at byte 13", second);
        assertTrue(onlyReason("{\"type\":\"a\"}}").startsWith("malformed JSON frame: Unexpected close marker"));
        assertTrue(onlyReason("{\"type\":\"a\",\"data\":").startsWith("malformed JSON frame: Unexpected end-of-input"));
        assertEquals("malformed JSON frame: no JSON value", onlyReason("  \r\n\t "));
        assertTrue(onlyReason("{\"type\":\"a\",\"data\":01}").contains("Leading zeroes"));
        assertTrue(onlyReason("{\"type\":\"a\",\"data\":\"tab\there\"}").contains("Illegal unquoted character"));
        assertTrue(onlyReason("{\"type\":\"a\",\"data\":\"\\x\"}").contains("Unrecognized character escape"));
        assertTrue(onlyReason("{\"type\":\"a\",\"data\":NaN}").startsWith("malformed JSON frame: "));
        assertTrue(onlyReason("{'type':'a'}").startsWith("malformed JSON frame: "));
    }

    @Test
    void shouldReportInvalidUtf8AndEncodingTricks() {
        byte[][] bad = {
            concat(utf8("{\"type\":\"a\",\"data\":\""), new byte[] {(byte) 0xFF}, utf8("\"}\f")),
            concat(utf8("{\"type\":\"a\",\"data\":[\"ok\",\""), new byte[] {(byte) 0xC3, 'x'}, utf8("\"]}\f")),
            concat(utf8("{\"type\":\""), new byte[] {(byte) 0xE2, (byte) 0x82}, utf8("\"}\f")),
            concat(utf8("{\"type\":\"a\",\"x\":\""), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("\"}\f")),
            concat(utf8("{\"type\":\"a\",\"data\":\""), new byte[] {(byte) 0xC0, (byte) 0x80}, utf8("\"}\f")),
        };
        for (byte[] f : bad) {
            Recorder r = decodeAll(f);
            assertEquals(1, r.events.size(), Golden.toHex(f) + " " + r.events);
            assertTrue(r.events.get(0).startsWith("!malformed JSON frame: Invalid UTF-8"), r.events.get(0));
        }
        Recorder bom = decodeAll(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("{\"type\":\"a\"}\f")));
        assertEquals(List.of("!malformed JSON frame: byte order mark at byte 0"), bom.events);
        // UTF-16LE text of a valid envelope: Jackson would auto-detect it, node-ipc would not
        byte[] utf16 = "{\"type\":\"a\"}".getBytes(StandardCharsets.UTF_16LE);
        Recorder u16 = decodeAll(concat(utf16, FF));
        assertEquals(List.of("!malformed JSON frame: NUL byte at byte 1"), u16.events);
        byte[] utf16be = concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, "{\"type\":\"a\"}".getBytes(StandardCharsets.UTF_16BE));
        Recorder u16be = decodeAll(concat(utf16be, FF));
        assertEquals(1, u16be.malformed().size(), u16be.events.toString());
    }

    @Test
    void shouldSkipMalformedFramesAndContinue() {
        byte[] stream = utf8("{not json}\f42\f{\"type\":\"ok\",\"data\":1}\f{\"data\":1}\f{\"type\":\"ok2\"}\f");
        Recorder r = decodeAll(stream);
        assertEquals(5, r.events.size(), r.events.toString());
        assertEquals("ok=1", r.events.get(2));
        assertEquals("ok2=<absent>", r.events.get(4));
        assertEquals(3, r.malformed().size());
        for (int cut = 0; cut <= stream.length; cut++) {
            assertEquals(r.events, decodeSplit(decoder(), stream, cut % 2 == 0, cut).events, "cut " + cut);
        }
    }

    @Test
    void shouldStopWhenSinkRefusesMalformedFrame() {
        for (boolean useDirect : new boolean[] {false, true}) {
            JsonFrameDecoder dec = decoder();
            Recorder r = new Recorder(false);
            byte[] stream = utf8("{\"type\":\"a\",\"data\":1}\f{not json}\f{\"type\":\"b\",\"data\":2}\f{\"type\":\"c\"");
            ByteBuffer b = useDirect ? direct(stream, 0, stream.length) : ByteBuffer.wrap(stream);
            dec.decode(b, r);
            assertEquals(2, r.events.size(), r.events.toString());
            assertEquals("a=1", r.events.get(0));
            assertTrue(r.events.get(1).startsWith("!malformed JSON frame"));
            assertTrue(dec.isFinished());
            assertFalse(b.hasRemaining(), "remaining bytes are consumed and ignored");
            assertEquals(0, dec.pendingBytes());
            dec.decode(ByteBuffer.wrap(utf8("}\f{\"type\":\"d\"}\f")), r);
            assertEquals(2, r.events.size(), "nothing after the stop");
        }
        // stop on an oversize frame as well
        JsonFrameDecoder dec = new JsonFrameDecoder(FF, 10, FACTORY);
        Recorder r = new Recorder(false);
        dec.decode(ByteBuffer.wrap(utf8("{\"type\":\"long enough\"")), r);
        assertTrue(dec.isFinished());
        assertEquals(List.of("!frame exceeds maxFrameBytes (10 bytes)"), r.events);
        assertEquals(0, dec.bufferCapacity());
    }

    @Test
    void shouldFinishWhenSinkThrows() {
        JsonFrameDecoder dec = decoder();
        FrameSink boom = new FrameSink() {
            @Override
            public void onFrame(String type, byte[] data, PayloadFormat format, long id, long re, byte[] error) {
                throw new IllegalStateException("boom " + type);
            }

            @Override
            public boolean onMalformed(String code, String reason) {
                return true;
            }
        };
        ByteBuffer b = ByteBuffer.wrap(utf8("{\"type\":\"a\"}\f{\"type\":\"b\"}\f"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dec.decode(b, boom));
        assertEquals("boom a", e.getMessage());
        assertTrue(dec.isFinished());
        Recorder r = new Recorder();
        dec.decode(ByteBuffer.wrap(utf8("{\"type\":\"c\"}\f")), r);
        assertEquals(List.of(), r.events);
    }

    @Test
    void shouldRejectReentrantDecode() {
        JsonFrameDecoder dec = decoder();
        List<String> seen = new ArrayList<>();
        FrameSink sink = new FrameSink() {
            @Override
            public void onFrame(String type, byte[] data, PayloadFormat format, long id, long re, byte[] error) {
                seen.add(type);
                dec.decode(ByteBuffer.wrap(utf8("{\"type\":\"x\"}\f")), this);
            }

            @Override
            public boolean onMalformed(String code, String reason) {
                return true;
            }
        };
        assertThrows(IllegalStateException.class, () -> dec.decode(ByteBuffer.wrap(utf8("{\"type\":\"a\"}\f")), sink));
        assertEquals(List.of("a"), seen);
    }

    // ---- envelope details -----------------------------------------------------------------------------------------

    @Test
    void shouldExtractExactDataBytesInAnyFieldOrderAndSpacing() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"data\":{\"x\":[1,2]},\"id\":5,\"type\":\"t\",\"extra\":{\"a\":\"}\\\"\"}}", "t={\"x\":[1,2]}");
        cases.put(" { \"type\" : \"t\" , \"data\" : 12.5e3 , \"z\" : null } ", "t=12.5e3");
        cases.put("{\"type\":\"t\",\"data\":-0.5}", "t=-0.5");
        cases.put("{\"type\":\"t\",\"data\":123456789012345678901234567890}", "t=123456789012345678901234567890");
        cases.put("{\"type\":\"t\",\"data\":true }", "t=true");
        cases.put("{\"type\":\"t\",\"data\":false,\"a\":1}", "t=false");
        cases.put("{\"data\":null\n,\"type\":\"t\"}", "t=null");
        cases.put("{\"type\":\"t\",\"data\":\"a\\\"b\\\\\"}", "t=\"a\\\"b\\\\\"");
        cases.put("{\"type\":\"t\",\"data\":\"\\u00e9\\\\\",\"more\":\"x\"}", "t=\"\\u00e9\\\\\"");
        cases.put("{\"type\":\"t\",\"data\":[ ]}", "t=[ ]");
        cases.put("{\"type\":\"t\",\"data\":{ \"a\" : [ {} , [] ] }\t}", "t={ \"a\" : [ {} , [] ] }");
        cases.put("{\"type\":\"t\"}", "t=<absent>");
        cases.put("{\"type\":\"x\",\"data\":1,\"type\":\"t\",\"data\":\"last\"}", "t=\"last\"");
        cases.put("{\"\\u0074ype\":\"t\",\"d\\u0061ta\":7}", "t=7");
        cases.put("{\"type\":\"t\\\"e\\n\\u20ac\\ud83d\\ude00\",\"data\":0}", "t\"e\n\u20ac\ud83d\ude00=0");
        cases.put("{\"type\":\"t\",\"data\":\"\"}", "t=\"\"");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            byte[] stream = utf8(c.getKey() + "\f");
            assertEquals(List.of(c.getValue()), decodeAll(stream).events, c.getKey());
            assertEquals(List.of(c.getValue()), decodeSplit(decoder(), stream, true, stream.length / 2).events);
        }
    }

    @Test
    void shouldReturnFreshDataCopies() {
        byte[] stream = utf8("{\"type\":\"t\",\"data\":[1]}\f{\"type\":\"t\",\"data\":[1]}\f");
        Recorder r = decodeAll(stream);
        assertArrayEquals(r.data.get(0), r.data.get(1));
        assertNotSame(r.data.get(0), r.data.get(1));
        r.data.get(0)[0] = 'X';
        assertEquals('{', stream[0], "source not touched");
        assertEquals('[', r.data.get(1)[0]);
    }

    @Test
    void shouldReuseTypeStringInstances() {
        JsonFrameDecoder dec = decoder();
        Recorder r = new Recorder();
        dec.decode(ByteBuffer.wrap(utf8("{\"type\":\"message\",\"data\":1}\f{\"data\":2,\"type\":\"message\"}\f")), r);
        dec.decode(ByteBuffer.wrap(utf8("{\"type\":\"other\"}\f{\"type\":\"mes")), r);
        dec.decode(ByteBuffer.wrap(utf8("sage\"}\f{\"type\":\"t\\u00e9\\n\"}\f{\"type\":\"t\\u00e9\\n\"}\f")), r);
        dec.decode(direct(utf8("{\"type\":\"message\"}\f"), 0, 19), r);
        assertEquals(List.of("message", "message", "other", "message", "t\u00e9\n", "t\u00e9\n", "message"), r.types);
        String first = r.types.get(0);
        assertSame(first, r.types.get(1));
        assertSame(first, r.types.get(3), "same instance across decode calls and split frames");
        assertSame(first, r.types.get(6), "same instance from a direct buffer");
        assertSame(r.types.get(4), r.types.get(5), "escaped types are cached too");
        assertNotSame(first, r.types.get(2));
        // a cached type is still validated when it is no longer equal byte for byte
        Recorder bad = new Recorder();
        dec.decode(ByteBuffer.wrap(concat(utf8("{\"type\":\"messag"), new byte[] {(byte) 0xFF}, utf8("\"}\f"))), bad);
        assertEquals(1, bad.malformed().size(), bad.events.toString());
    }

    @Test
    void shouldReportPendingBytes() {
        JsonFrameDecoder dec = decoder();
        Recorder r = new Recorder();
        assertEquals(0, dec.pendingBytes());
        assertEquals(0, dec.bufferCapacity(), "no buffer until needed");
        dec.decode(ByteBuffer.wrap(utf8("{\"type\":\"a\"}\f{\"ty")), r);
        assertEquals(4, dec.pendingBytes());
        assertTrue(dec.bufferCapacity() <= JsonFrameDecoder.INITIAL_CAPACITY);
        dec.decode(ByteBuffer.wrap(utf8("pe\":\"b\"}\f")), r);
        assertEquals(0, dec.pendingBytes());
        assertEquals(List.of("a", "b"), r.types);
        assertNull(r.data.get(0));
        assertFalse(dec.isFinished());
    }

    @Test
    void shouldRefuseTheProtobufPreambleAtOnceWhateverTheSplit() {
        byte[] preamble = ProtoFrameDecoder.preamble();
        byte[] stream = concat(preamble, new byte[] {3, 10, 1, 'x'}); // the preamble and a first envelope
        for (int cut = 1; cut <= stream.length; cut++) {
            for (boolean useDirect : new boolean[] {false, true}) {
                JsonFrameDecoder dec = decoder();
                // only the first read: the refusal must not wait for more bytes (or for a delimiter)
                Recorder r = decodeSplit(dec, Arrays.copyOf(stream, cut), useDirect);
                assertEquals(List.of("!" + FrameSink.WIRE_PROTO_REASON), r.events, "first read of " + cut + " bytes");
                assertTrue(dec.isFinished());
                assertEquals(0, dec.pendingBytes());
                assertEquals(List.of("EWIRE"), r.codes);
            }
        }
        // the preamble's lead byte anywhere but at the start is JSON's business (invalid UTF-8 in a frame)
        Recorder later = decodeAll(concat(utf8("{\"type\":\"a\",\"data\":1}\f"), preamble, utf8("\f")));
        assertEquals("a=1", later.events.get(0));
        assertEquals(2, later.events.size());
        assertFalse(later.events.get(1).equals("!" + FrameSink.WIRE_PROTO_REASON), later.events.toString());
        // the decision is the first byte's: whatever follows it, the stream is refused the same way
        Recorder other = decodeAll(concat(new byte[] {(byte) 0x8F, 'x'}, utf8("\f{\"type\":\"b\",\"data\":2}\f")));
        assertEquals(List.of("!" + FrameSink.WIRE_PROTO_REASON), other.events);
        // a delimiter that starts with that byte keeps it: the stream may begin with an empty frame
        Recorder delim = decodeSplit(new JsonFrameDecoder(new byte[] {(byte) 0x8F}, DEFAULT_MAX, FACTORY),
                concat(new byte[] {(byte) 0x8F}, utf8("{\"type\":\"c\",\"data\":3}"), new byte[] {(byte) 0x8F}), false);
        assertEquals(List.of("c=3"), delim.events);
    }
}
