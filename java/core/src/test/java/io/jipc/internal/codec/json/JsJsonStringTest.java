package io.jipc.internal.codec.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.internal.codec.FrameBuffer;
import io.jipc.internal.codec.Golden;
import io.jipc.internal.codec.RawJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link JsJson#writeString} (bulk and per-char paths) against a plain reference implementation of JSON.stringify. */
class JsJsonStringTest {

    /** JSON.stringify(s) as UTF-8, written the obvious way; null when s holds a lone surrogate (refused). */
    static byte[] reference(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> null;
            };
            if (esc != null) {
                out.writeBytes(esc.getBytes(StandardCharsets.US_ASCII));
            } else if (c < 0x20) {
                out.writeBytes(String.format("\\u%04x", (int) c).getBytes(StandardCharsets.US_ASCII));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.writeBytes(s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
                i++;
            } else if (Character.isSurrogate(c)) {
                return null; // JSON.stringify escapes a lone surrogate; jipc refuses it (not Unicode text)
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        out.write('"');
        return out.toByteArray();
    }

    private static void check(String s) {
        FrameBuffer buf = new FrameBuffer(1);
        buf.append(new byte[] {'<'});
        byte[] expected = reference(s);
        if (expected == null) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsJson.writeString(s, buf),
                    () -> "string " + escapeForMessage(s));
            assertTrue(e.getMessage().contains("lone surrogate"), e.getMessage());
            return;
        }
        JsJson.writeString(s, buf);
        byte[] got = java.util.Arrays.copyOfRange(buf.array(), 1, buf.length());
        assertEquals(Golden.toHex(expected), Golden.toHex(got), () -> "string " + escapeForMessage(s));
        assertEquals('<', buf.array()[0]);
    }

    private static String escapeForMessage(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return sb.toString();
    }

    @Test
    void shouldMatchReferenceOnHandPickedStrings() {
        String[] cases = {"", "a", "?", "??", "a?b", "\"", "\\", "\u0000", "\u001f", "\u007f", "\u0080", "\u00e9",
            "\u07ff", "\u0800", "\u2028\u2029", "\uffff", "\ud83d\ude00", "\ud800", "\udc00", "\udc00\ud800",
            "\ud800?", "?\ud800", "x\ud800y?z\"", "\ud83d", "\ud83d\ud83d\ude00", "\u00e9?\ud800\n", "\u00e9\ud800",
            "\u00e9\"", "hello world", "x".repeat(64), "x".repeat(63) + "\n", "\n" + "x".repeat(63),
            "\u00e9".repeat(100) + "\"", "?".repeat(50), "\ud800".repeat(50), "a\ud83d\ude00\"\ud83d\ude00?"};
        for (String s : cases) {
            check(s);
        }
    }

    @Test
    void shouldMatchReferenceWithSpecialCharsAtEveryWordOffset() {
        for (String special : new String[] {"?", "\"", "\\", "\n", "\u0001", "\u00e9", "\ud800", "\ud83d\ude00", "\u20ac"}) {
            for (int at = 0; at < 40; at++) {
                check("y".repeat(at) + special + "z".repeat(40 - at));
                check("y".repeat(at) + special + special + "z".repeat(at));
            }
        }
    }

    @Test
    void shouldMatchReferenceOnRandomStrings() {
        Random r = new Random(99);
        char[] alphabet = {'a', 'Z', '?', '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0, 0x1f, 0x7f, 0x80, 0xff, 0x100,
            0x7ff, 0x800, '\u20ac', '\u2028', '\ud83d', '\ude00', '\udbff', '\udc00', '\uffff', '\ufeff', '\u3f3f'};
        for (int round = 0; round < 3000; round++) {
            int n = round % 10 == 0 ? r.nextInt(20_000) : r.nextInt(100);
            int density = 1 + r.nextInt(20);
            StringBuilder sb = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                sb.append(r.nextInt(density) == 0 ? alphabet[r.nextInt(alphabet.length)] : (char) ('a' + r.nextInt(26)));
            }
            check(sb.toString());
        }
    }

    @Test
    void shouldEncodeTheSameWithAndWithoutTheDirectPath() {
        // encode() builds common frames straight into an exact array; encodeTo() always goes through a FrameBuffer
        JsonFrameEncoder enc = new JsonFrameEncoder(new byte[] {'#', '#'}, new com.fasterxml.jackson.databind.ObjectMapper());
        Random r = new Random(5);
        String[] types = {"msg", "", "t\"e", "\u00e9v", "x".repeat(64), "x".repeat(65), "a\nb", "?", "\ud800"};
        for (int round = 0; round < 2000; round++) {
            String type = types[r.nextInt(types.length)];
            Object data = switch (r.nextInt(7)) {
                case 0 -> null;
                case 1 -> r.nextBoolean();
                case 2 -> RawJson.of("{\"a\":[1,\"\u00e9\"]}");
                case 3 -> r.nextInt();
                case 4 -> "y".repeat(r.nextInt(3) == 0 ? JsJson.BULK_MAX + r.nextInt(3) - 1 : r.nextInt(40));
                default -> {
                    StringBuilder sb = new StringBuilder();
                    for (int i = r.nextInt(40); i > 0; i--) {
                        String chars = "ab?\"\u00e9\ud83d\ude00\ud800\n";
                        sb.append(chars.charAt(r.nextInt(chars.length())));
                    }
                    yield sb.toString();
                }
            };
            FrameBuffer buf = new FrameBuffer(0);
            String viaBuffer;
            String direct;
            try {
                enc.encodeTo(type, data, buf);
                viaBuffer = Golden.toHex(buf.toByteArray());
            } catch (IllegalArgumentException e) {
                viaBuffer = "refused: " + e.getMessage(); // a lone surrogate
            }
            try {
                direct = Golden.toHex(enc.encode(type, data));
            } catch (IllegalArgumentException e) {
                direct = "refused: " + e.getMessage();
            }
            assertEquals(viaBuffer, direct);
        }
    }

    @Test
    void shouldMatchReferenceAroundTheBulkLimit() {
        for (int limit : new int[] {JsJson.BULK_MIN, JsJson.BULK_MAX}) {
            for (int n = limit - 2; n <= limit + 2; n++) {
                check("y".repeat(n));
                check("y".repeat(n - 1) + "\n");
                check("\u00e9".repeat(n - 1) + "?");
                check("?".repeat(n - 1) + "\ud800");
            }
        }
        // slices of long strings never split a surrogate pair, and lone surrogates at slice ends are refused
        for (int at = JsJson.BULK_MAX - 3; at <= JsJson.BULK_MAX + 1; at++) {
            String head = "y".repeat(at);
            check(head + "\ud83d\ude00" + "z".repeat(JsJson.BULK_MAX));
            check(head + "\ud83d\ud83d\ude00\n" + "z".repeat(JsJson.BULK_MAX));
            check(head + "\ude00\ud83d" + "?".repeat(JsJson.BULK_MAX + 5) + "\ud83d");
            check("\u00e9".repeat(at) + "\ud83d\ude00" + "\"".repeat(2 * JsJson.BULK_MAX));
        }
    }
}
