package io.jipc.internal.codec.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jipc.internal.codec.FrameBuffer;
import io.jipc.internal.codec.Golden;
import io.jipc.internal.codec.RawJson;
import io.jipc.internal.codec.proto.ProtoCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonFrameEncoderTest {

    private static final byte[] FF = {0x0C};
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String CONTROLS =
            "\u0000\u0001\u0007\b\t\n\u000b\f\r\u000e\u001b\u001f\"\\/\u007f\u0080\u2028\u2029";
    private static final String UNICODE = "\u00e9\u20ac\ud83d\ude00\u4e2d\u6587 \u00a0 \ufeff \ud834\udd1e";
    private static final String LONE = "\ud800x\udc00y\ud83d";

    private final JsonFrameEncoder encoder = new JsonFrameEncoder(FF, MAPPER);

    record Message(String id, int n, String s) { }

    record Rec(String name, int n, boolean ok) { }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static List<Object> numbers() {
        return Arrays.asList(1.5, 0.1, 1e21, 1e-7, 123456789012.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 100.0,
                1e20, 0.000001, -2.5e-10, 123.456, Math.pow(2, 60), 9007199254740991.0, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.0 / 3, -1e-7, 4.35);
    }

    /** Java values that must encode exactly like the node golden of the same name. */
    static Stream<Arguments> goldenCases() {
        ObjectNode msgNode = NODES.objectNode().put("id", "client1").put("n", 1).put("s", "\u00e9\u20ac");
        ArrayNode numNode = NODES.arrayNode();
        for (Object d : numbers()) {
            numNode.add((Double) d);
        }
        double[] numArray = numbers().stream().mapToDouble(o -> (Double) o).toArray();
        ObjectNode nested = NODES.objectNode();
        nested.putArray("a").add(true).addNull().addObject().put("b", "c");
        nested.put("k\n\u0001", "v");
        nested.putArray("\u00e9");
        return Stream.of(
                Arguments.of("message_hello", "message", "hello"),
                Arguments.of("message_hello", "message", TextNode.valueOf("hello")),
                Arguments.of("message_hello", "message", RawJson.of("\"hello\"")),
                Arguments.of("reply_hello", "reply", "hello"),
                Arguments.of("message_object", "message", map("id", "client1", "n", 1, "s", "\u00e9\u20ac")),
                Arguments.of("message_object", "message", msgNode),
                Arguments.of("message_object", "message", new Message("client1", 1, "\u00e9\u20ac")),
                Arguments.of("news", "news", Map.of("n", 1)),
                Arguments.of("news", "news", NODES.objectNode().put("n", 1)),
                Arguments.of("ev_undefined", "ev", null),
                Arguments.of("ev_undefined", "ev", Map.of()),
                Arguments.of("ev_hi", "ev", "hi"),
                Arguments.of("ev_a1", "ev", Map.of("a", 1)),
                Arguments.of("ev_a1", "ev", RawJson.of("{\"a\":1}")),
                Arguments.of("ev_array", "ev", List.of(1, "two")),
                Arguments.of("ev_array", "ev", new Object[] {1, "two"}),
                Arguments.of("ev_array", "ev", NODES.arrayNode().add(1).add("two")),
                Arguments.of("ev_zero", "ev", 0),
                Arguments.of("ev_zero", "ev", 0L),
                Arguments.of("ev_zero", "ev", 0.0),
                Arguments.of("ev_zero", "ev", -0.0),
                Arguments.of("ev_zero", "ev", 0.0f),
                Arguments.of("ev_zero", "ev", IntNode.valueOf(0)),
                Arguments.of("ev_zero", "ev", DoubleNode.valueOf(-0.0)),
                Arguments.of("ev_false", "ev", false),
                Arguments.of("ev_false", "ev", BooleanNode.FALSE),
                Arguments.of("ev_true", "ev", Boolean.TRUE),
                Arguments.of("ev_null", "ev", NullNode.getInstance()),
                Arguments.of("ev_null", "ev", RawJson.of("null")),
                Arguments.of("ev_empty_string", "ev", ""),
                Arguments.of("ev_controls", "ev", CONTROLS),
                Arguments.of("ev_controls", "ev", TextNode.valueOf(CONTROLS)),
                Arguments.of("ev_unicode", "ev", UNICODE),
                Arguments.of("ev_unicode", "ev", TextNode.valueOf(UNICODE)),
                Arguments.of("ev_numbers", "ev", numbers()),
                Arguments.of("ev_numbers", "ev", numNode),
                Arguments.of("ev_numbers", "ev", numArray),
                Arguments.of("ev_nested", "ev",
                        map("a", Arrays.asList(true, null, Map.of("b", "c")), "k\n\u0001", "v", "\u00e9", List.of())),
                Arguments.of("ev_nested", "ev", nested),
                Arguments.of("type_escapes", "t\"e\n\u20ac\u0001\ud83d\ude00", 1),
                Arguments.of("ev_record", "ev", new Rec("x", 1, true)));
    }

    @ParameterizedTest(name = "{0} from {2}")
    @MethodSource("goldenCases")
    void shouldEncodeByteIdenticalToNode(String golden, String type, Object data) {
        byte[] expected = Golden.get(golden).frame();
        assertEquals(Golden.toHex(expected), Golden.toHex(encoder.encode(type, data)));
        FrameBuffer buf = new FrameBuffer(1);
        encoder.encodeTo(type, data, buf);
        assertArrayEquals(expected, buf.toByteArray());
    }

    @Test
    void shouldRefuseLoneSurrogatesThatNodeWouldEscape() {
        // node writes golden ev_lone_surrogates; jipc refuses to send what no jipc peer accepts (proto/README.md, s. 2)
        for (Object data : new Object[] {LONE, TextNode.valueOf(LONE), "x".repeat(100) + "\udc00", List.of("a", LONE),
            map("\ud83d", 1), map("k", map("\ude00x", 1)), new Message("\ud800", 1, "s")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode("ev", data));
            assertTrue(e.getMessage().contains("lone surrogate"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> encoder.encode("\udbff", 1), "type");
        assertTrue(new String(encoder.encode("ev", "\ud83d\ude00"), StandardCharsets.UTF_8).contains("\ud83d\ude00"));
    }

    @Test
    void shouldRefuseDataNestedDeeperThanBothCodecsAccept() {
        Object data = 1;
        for (int i = 0; i < ProtoCodec.MAX_DATA_DEPTH; i++) {
            data = i % 2 == 0 ? List.of(data) : map("k", data);
        }
        byte[] frame = encoder.encode("ev", data); // 33 levels: accepted
        assertEquals(1 + ProtoCodec.MAX_DATA_DEPTH, new String(frame, StandardCharsets.UTF_8).chars()
                .filter(c -> c == '{' || c == '[').count());
        Object deeper = List.of(data);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode("ev", deeper));
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
    }

    @Test
    void shouldEncodeWireTranscriptsFromSection13() {
        byte[] hello = Golden.hex("7b 22 74 79 70 65 22 3a 22 6d 65 73 73 61 67 65 22 2c 22 64 61 74 61 22 3a"
                + " 22 68 65 6c 6c 6f 22 7d 0c");
        assertEquals(34, hello.length);
        assertArrayEquals(hello, encoder.encode("message", "hello"));

        byte[] reply = Golden.hex("7b 22 74 79 70 65 22 3a 22 72 65 70 6c 79 22 2c 22 64 61 74 61 22 3a"
                + " 22 68 65 6c 6c 6f 22 7d 0c");
        assertEquals(32, reply.length);
        assertArrayEquals(reply, encoder.encode("reply", "hello"));

        byte[] news = Golden.hex("7b 22 74 79 70 65 22 3a 22 6e 65 77 73 22 2c 22 64 61 74 61 22 3a"
                + " 7b 22 6e 22 3a 31 7d 7d 0c");
        assertEquals(31, news.length);
        assertArrayEquals(news, encoder.encode("news", Map.of("n", 1)));

        byte[] obj = encoder.encode("message", map("id", "client1", "n", 1, "s", "\u00e9\u20ac"));
        assertEquals(61, obj.length);
        assertEquals("{\"type\":\"message\",\"data\":{\"id\":\"client1\",\"n\":1,\"s\":\"\u00e9\u20ac\"}}\f",
                new String(obj, StandardCharsets.UTF_8));
        String hex = Golden.toHex(obj);
        assertTrue(hex.contains("c3a9e282ac"), "non-ASCII is raw UTF-8: " + hex);

        assertEquals("{\"type\":\"ev\",\"data\":{}}\f", new String(encoder.encode("ev", null), StandardCharsets.UTF_8));
        assertEquals("{\"type\":\"ev\",\"data\":\"hi\"}\f",
                new String(encoder.encode("ev", "hi"), StandardCharsets.UTF_8));
        assertEquals(26, encoder.encode("ev", "hi").length);
    }

    @Test
    void shouldBatchFramesBackToBack() {
        FrameBuffer buf = new FrameBuffer();
        encoder.encodeTo("reply", 1, buf);
        encoder.encodeTo("reply", 2, buf);
        assertEquals("{\"type\":\"reply\",\"data\":1}\f{\"type\":\"reply\",\"data\":2}\f",
                new String(buf.toByteArray(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldUseCustomDelimiters() {
        JsonFrameEncoder nl = new JsonFrameEncoder(new byte[] {'\n'}, MAPPER);
        assertEquals("{\"type\":\"a\",\"data\":\"x\\ny\"}\n", new String(nl.encode("a", "x\ny"), StandardCharsets.UTF_8));
        JsonFrameEncoder multi = new JsonFrameEncoder("<END>".getBytes(StandardCharsets.US_ASCII), MAPPER);
        assertEquals("{\"type\":\"a\",\"data\":[1]}<END>",
                new String(multi.encode("a", List.of(1)), StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> new JsonFrameEncoder(new byte[0], MAPPER));
    }

    @Test
    void shouldCopyDelimiterDefensively() {
        byte[] d = {'\n'};
        JsonFrameEncoder e = new JsonFrameEncoder(d, MAPPER);
        d[0] = 'x';
        byte[] out = e.encode("a", 1);
        assertEquals('\n', out[out.length - 1]);
    }

    @Test
    void shouldRejectUnserialisableDataAndLeaveBufferIntact() {
        FrameBuffer buf = new FrameBuffer();
        encoder.encodeTo("ok", 1, buf);
        byte[] before = buf.toByteArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encodeTo("bad", List.of(1, new Object()), buf));
        assertTrue(e.getMessage().contains("java.util"), e.getMessage());
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        assertArrayEquals(before, buf.toByteArray(), "partial frame rolled back");

        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode("bad", new Object()));
        assertTrue(e2.getMessage().contains("cannot serialise data of type java.lang.Object"), e2.getMessage());
        // the encoder keeps working after a failure
        assertArrayEquals(Golden.get("message_hello").frame(), encoder.encode("message", "hello"));
    }

    @Test
    void shouldStayCompactWithIndentingMapper() {
        ObjectMapper pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        JsonFrameEncoder e = new JsonFrameEncoder(FF, pretty);
        assertArrayEquals(Golden.get("message_object").frame(),
                e.encode("message", map("id", "client1", "n", 1, "s", "\u00e9\u20ac")));
    }

    /** The frame's hex, or that it was refused (a string holding a lone surrogate). */
    private String outcome(Object data) {
        try {
            return Golden.toHex(encoder.encode("t", data));
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("lone surrogate"), e.getMessage());
            return "refused";
        }
    }

    @Test
    void shouldEscapeStringsLikeJacksonConfiguredForJavaScript() {
        // the String fast path and the mapper path (TextNode) must agree on every char, incl. segment boundaries
        Random rnd = new Random(42);
        char[] alphabet = {'a', 'Z', '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0, 0x1f, 0x7f, 0x80, 0x7ff, 0x800,
            '\u20ac', '\u2028', '\ud83d', '\ude00', '\udbff', '\udc00', '\uffff', '\ufeff'};
        for (int round = 0; round < 200; round++) {
            int n = round < 100 ? rnd.nextInt(40) : 1000 + rnd.nextInt(3000);
            StringBuilder sb = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                sb.append(rnd.nextInt(3) == 0 ? alphabet[rnd.nextInt(alphabet.length)] : (char) ('a' + rnd.nextInt(26)));
            }
            String s = sb.toString();
            assertEquals(outcome(TextNode.valueOf(s)), outcome(s), "string " + round);
        }
        // a surrogate pair straddling the 1024-char segment boundary
        String s = "x".repeat(1023) + "\ud83d\ude00" + "\u0001".repeat(2000);
        assertArrayEquals(encoder.encode("t", TextNode.valueOf(s)), encoder.encode("t", s));
        String decoded = new String(encoder.encode("t", s), StandardCharsets.UTF_8);
        assertTrue(decoded.contains("x\ud83d\ude00\\u0001"), "pair kept raw at the segment boundary");
    }

    @Test
    void shouldFormatNumbersLikeJavaScript() {
        assertEquals("1.5", JsJson.numberText(1.5));
        assertEquals("1e+21", JsJson.numberText(1e21));
        assertEquals("-1.2345e+25", JsJson.numberText(-1.2345e25));
        assertEquals("100000000000000000000", JsJson.numberText(1e20));
        assertEquals("1e-7", JsJson.numberText(1e-7));
        assertEquals("1.5e-7", JsJson.numberText(1.5e-7));
        assertEquals("0.000001", JsJson.numberText(1e-6));
        assertEquals("0.00123", JsJson.numberText(0.00123));
        assertEquals("0", JsJson.numberText(-0.0));
        assertEquals("null", JsJson.numberText(Double.NaN));
        assertEquals("-42", JsJson.numberText(-42.0));
        assertEquals("5e-324", JsJson.numberText(Double.MIN_VALUE));
        assertEquals("1e-323", JsJson.numberText(2 * Double.MIN_VALUE));
        assertEquals("1.5e-323", JsJson.numberText(3 * Double.MIN_VALUE));
        assertEquals("2.225073858507201e-308", JsJson.numberText(Double.MIN_NORMAL - Double.MIN_VALUE));
        assertEquals("1e-45", JsJson.numberText(Float.MIN_VALUE));
        assertEquals("0.1", JsJson.numberText(0.1f));
        assertEquals("1", JsJson.numberText(1.0f));
        assertEquals("3.4028235e+38", JsJson.numberText(Float.MAX_VALUE));
        assertEquals("30000000000", JsJson.numberText(3e10f));
        assertEquals("null", JsJson.numberText(Float.POSITIVE_INFINITY));
        assertEquals("{\"type\":\"n\",\"data\":[0.1,2.5,null]}\f",
                new String(encoder.encode("n", new float[] {0.1f, 2.5f, Float.NaN}), StandardCharsets.UTF_8));
        assertEquals("{\"type\":\"n\",\"data\":{\"x\":1e+21}}\f",
                new String(encoder.encode("n", Map.of("x", 1e21)), StandardCharsets.UTF_8));
    }

    @Test
    void shouldFormatDoublesExactlyLikeNode() throws java.io.IOException {
        // fixture made by generate-js-numbers.js: random bit patterns, decimals, big integers, subnormals, edges
        int checked = 0;
        try (java.io.InputStream in = getClass().getResourceAsStream("/codec/js-numbers.txt")) {
            assertTrue(in != null, "fixture present");
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(" ");
                double v = Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16));
                assertEquals(f[1], JsJson.numberText(v), "bits " + f[0]);
                checked++;
            }
        }
        assertTrue(checked > 2000, "checked " + checked);
    }

    @Test
    void shouldBeSafeFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int id = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        String s = "thread" + id + "-" + i;
                        byte[] out = encoder.encode("ev", map("s", s, "i", i));
                        String expected = "{\"type\":\"ev\",\"data\":{\"s\":\"" + s + "\",\"i\":" + i + "}}\f";
                        if (!expected.equals(new String(out, StandardCharsets.UTF_8))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A bean whose getter encodes on the same thread while the outer encode is running. */
    public final class Reentrant {
        public String getInner() {
            return new String(encoder.encode("inner", "v"), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldSurviveReentrantEncode() {
        String out = new String(encoder.encode("outer", new Reentrant()), StandardCharsets.UTF_8);
        assertEquals("{\"type\":\"outer\",\"data\":{\"inner\":\"{\\\"type\\\":\\\"inner\\\",\\\"data\\\":\\\"v\\\"}\\f\"}}\f",
                out);
    }

    @Test
    void shouldDropLargeScratchBuffers() {
        String big = "y".repeat(200_000);
        byte[] out = encoder.encode("big", big);
        assertEquals(200_000 + "{\"type\":\"big\",\"data\":\"\"}\f".length(), out.length);
        // still correct afterwards with a fresh scratch buffer
        assertArrayEquals(Golden.get("ev_hi").frame(), encoder.encode("ev", "hi"));
        JsonNode tree = assertDoesNotThrowParse(out);
        assertEquals(big, tree.get("data").asText());
    }

    private static JsonNode assertDoesNotThrowParse(byte[] frame) {
        try {
            return MAPPER.readTree(Arrays.copyOf(frame, frame.length - 1));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void encodeSmallWritesTheSameBytesAsEncodeOrDeclines() {
        JsonFrameEncoder enc = new JsonFrameEncoder(new byte[] {0x0C}, new ObjectMapper());
        byte[] dst = new byte[256];
        Object[] small = {"hello", "", "x".repeat(150), "caf\u00e9", "\ud83d\ude00", null, Boolean.TRUE,
            Boolean.FALSE, new RawJson("{\"a\":[1,2]}".getBytes(StandardCharsets.UTF_8))};
        for (Object data : small) {
            Arrays.fill(dst, (byte) '#');
            int n = enc.encodeSmall("ping", data, dst);
            assertArrayEquals(enc.encode("ping", data), Arrays.copyOf(dst, n), "data " + data);
        }
        // what it leaves to encode: escapes, a lone surrogate (or a '?' that might be one), other types, a long or
        // escaped type, a null type, no room
        Object[] declined = {"say \"hi\"", "tab\t", "\ud83d", "why?", 42, List.of(1),
            "x".repeat(300)};
        for (Object data : declined) {
            assertEquals(-1, enc.encodeSmall("ping", data, dst), "data " + data);
        }
        assertEquals(-1, enc.encodeSmall("t\"q", "a", dst));
        assertEquals(-1, enc.encodeSmall("t".repeat(65), "a", dst));
        assertEquals(-1, enc.encodeSmall(null, "a", dst));
        int size = enc.encode("ping", "a").length;
        assertEquals(-1, enc.encodeSmall("ping", "a", new byte[size - 1]));
        assertEquals(size, enc.encodeSmall("ping", "a", new byte[size]), "exactly the frame's size is enough");
    }
}
