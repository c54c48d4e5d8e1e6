package io.jipc.internal.codec.json;

import com.fasterxml.jackson.core.io.NumberOutput;
import io.jipc.internal.codec.FrameBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * JavaScript-compatible JSON text primitives: strings escaped exactly like {@code JSON.stringify} and numbers
 * formatted like {@code Number.prototype.toString()}, written as UTF-8.
 */
public final class JsJson {

    /** Per ASCII char: 0 = literal, -1 = <code>&#92;u00xx</code>, otherwise the short escape letter. */
    private static final byte[] ESCAPES = new byte[128];
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final MathContext ONE_DIGIT = new MathContext(1, RoundingMode.HALF_EVEN);
    /** Chars written per capacity check; every char takes at most 6 bytes. */
    private static final int SEGMENT = 1024;
    /**
     * Strings of this length range are encoded in bulk by the JDK first (into a temporary array), others char by
     * char (where the temporary array would cost more than it saves, or be large).
     */
    static final int BULK_MIN = 16;
    static final int BULK_MAX = 8192;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
    }

    private JsJson() {
    }

    /**
     * Appends {@code s} as a quoted JSON string exactly as {@code JSON.stringify} writes it, UTF-8 encoded:
     * short escapes for {@code " \ \b \f \n \r \t}, <code>&#92;u00xx</code> (lowercase hex) for other control chars,
     * everything else (including U+007F, U+2028, U+2029, '/') raw. A lone surrogate, which {@code JSON.stringify}
     * escapes, is refused ({@link #loneSurrogate}); the buffer may then hold part of the string.
     *
     * @param s the string
     * @param out buffer the quoted string is appended to
     * @throws IllegalArgumentException when {@code s} holds a lone surrogate
     */
    static void writeString(String s, FrameBuffer out) {
        final int n = s.length();
        if (n < BULK_MIN) {
            // short (typically a type): write plain ASCII chars directly, hand over at the first other char
            out.ensure(n + 2);
            byte[] b = out.array();
            int p = out.length();
            b[p++] = '"';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                    out.setLength(p);
                    writeChars(s, i, out);
                    out.appendByte('"');
                    return;
                }
                b[p++] = (byte) c;
            }
            b[p++] = '"';
            out.setLength(p);
            return;
        }
        out.appendByte('"');
        if (n <= BULK_MAX) {
            writeBulk(s, out);
        } else {
            // in slices, none of which splits a surrogate pair
            for (int i = 0; i < n; ) {
                int e = Math.min(n, i + BULK_MAX);
                if (e < n && Character.isHighSurrogate(s.charAt(e - 1)) && Character.isLowSurrogate(s.charAt(e))) {
                    e--;
                }
                writeBulk(s.substring(i, e), out);
                i = e;
            }
        }
        out.appendByte('"');
    }

    /**
     * Writes the content of {@code s} (no quotes) with the help of the JDK's UTF-8 encoder, which is fast (an array
     * copy for ASCII-only Latin-1 strings) and writes everything that JSON.stringify writes raw exactly the same,
     * except lone surrogates, which it replaces with '?'. So take its bytes, and fix up only where they hold a char
     * JSON escapes, or a '?' (which may stand for a surrogate).
     */
    private static void writeBulk(String s, FrameBuffer out) {
        final int n = s.length();
        final byte[] u = s.getBytes(StandardCharsets.UTF_8);
        final int ulen = u.length;
        final int k = firstSpecial(u, 0, ulen);
        if (k == ulen) {
            out.append(u, 0, ulen);
            return;
        }
        if (ulen != n) {
            // not all ASCII: copy what precedes the first special byte, then go on char by char
            out.append(u, 0, k);
            writeChars(s, charsIn(u, k), out);
            return;
        }
        // all ASCII except maybe lone surrogates (as '?'), so byte i is char i
        out.ensure(k + (n - k) * 6);
        byte[] b = out.array();
        int p = out.length();
        System.arraycopy(u, 0, b, p, k);
        p += k;
        int i = k;
        while (i < n) {
            char c = s.charAt(i++);
            if (c == '?') {
                b[p++] = '?';
            } else if (c < 0x80) {
                byte e = ESCAPES[c];
                if (e > 0) {
                    b[p++] = '\\';
                    b[p++] = e;
                } else {
                    p = unicodeEscape(b, p, c);
                }
            } else {
                throw loneSurrogate(c); // the JDK wrote it as '?'
            }
            int j = firstSpecial(u, i, n);
            System.arraycopy(u, i, b, p, j - i);
            p += j - i;
            i = j;
        }
        out.setLength(p);
    }

    /**
     * The UTF-8 bytes of {@code s} if {@code JSON.stringify} writes it as exactly those bytes between the quotes
     * (nothing to escape), else null.
     *
     * @param s a string of at most {@link #BULK_MAX} chars
     * @return its UTF-8 bytes (a new array) or null
     */
    static byte[] plainUtf8(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        return firstSpecial(u, 0, u.length) == u.length ? u : null;
    }

    /**
     * Whether {@code s} is short, ASCII and has nothing to escape (so it is written as its chars, one byte each).
     *
     * @param s the string
     * @param max longest length that qualifies
     * @return true if it qualifies
     */
    static boolean isPlainAscii(String s, int max) {
        int n = s.length();
        if (n > max) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /**
     * Index of the first byte in {@code u[i, to)} that is a control char, {@code "}, {@code \} or {@code ?}, or
     * {@code to}; eight bytes at a time.
     */
    private static int firstSpecial(byte[] u, int i, int to) {
        for (final int last = to - 8; i <= last; i += 8) {
            long x = (long) LONGS.get(u, i);
            long q = x ^ 0x2222222222222222L;
            long bs = x ^ 0x5C5C5C5C5C5C5C5CL;
            long qm = x ^ 0x3F3F3F3F3F3F3F3FL;
            // "byte < 0x20" and "byte is zero" tests; borrows only run upwards from a flagged byte, so the lowest
            // flag marks the first special byte
            long special = (((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((bs - ONES) & ~bs) | ((qm - ONES) & ~qm))
                    & HIGHS;
            if (special != 0) {
                return i + (Long.numberOfTrailingZeros(special) >>> 3);
            }
        }
        for (; i < to; i++) {
            int c = u[i];
            if (c >= 0 && (c < 0x20 || c == '"' || c == '\\' || c == '?')) {
                return i;
            }
        }
        return to;
    }

    /** Number of chars encoded by the JDK as {@code u[0, k)} (whole sequences; 4-byte ones are surrogate pairs). */
    private static int charsIn(byte[] u, int k) {
        int chars = 0;
        for (int i = 0; i < k; i++) {
            int b = u[i] & 0xFF;
            if ((b & 0xC0) != 0x80) {
                chars += b >= 0xF0 ? 2 : 1;
            }
        }
        return chars;
    }

    /** Writes chars {@code [i, s.length())} of {@code s} escaped (no quotes), one char at a time. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exactly right for chars below 0x80
    private static void writeChars(String s, int i, FrameBuffer out) {
        final int n = s.length();
        out.ensure(Math.min(n - i, SEGMENT) * 6);
        byte[] b = out.array();
        int p = out.length();
        while (i < n) {
            int segEnd = Math.min(n, i + SEGMENT);
            if (b.length - p < (segEnd - i) * 6) {
                out.setLength(p);
                out.ensure((segEnd - i) * 6);
                b = out.array();
            }
            while (i < segEnd) {
                // a run of chars written as themselves: find its end, then copy it (in bulk if long: an array copy
                // for Latin-1 strings)
                int j = i;
                char c = 0;
                while (j < segEnd && (c = s.charAt(j)) < 0x80 && c >= 0x20 && c != '"' && c != '\\') {
                    j++;
                }
                if (j > i) {
                    if (j - i > 16) {
                        s.getBytes(i, j, b, p);
                        p += j - i;
                    } else {
                        for (int k = i; k < j; k++) {
                            b[p++] = (byte) s.charAt(k);
                        }
                    }
                    i = j;
                    if (i == segEnd) {
                        break;
                    }
                }
                i++;
                if (c < 0x80) {
                    byte e = ESCAPES[c];
                    if (e > 0) {
                        b[p++] = '\\';
                        b[p++] = e;
                    } else {
                        p = unicodeEscape(b, p, c);
                    }
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | (c >> 6));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    char d;
                    if (Character.isHighSurrogate(c) && i < n && Character.isLowSurrogate(d = s.charAt(i))) {
                        int cp = Character.toCodePoint(c, d);
                        b[p++] = (byte) (0xF0 | (cp >> 18));
                        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                        b[p++] = (byte) (0x80 | (cp & 0x3F));
                        i++; // may step past segEnd: the pair's 4 bytes fit in the first char's 6-byte budget
                    } else {
                        throw loneSurrogate(c);
                    }
                } else {
                    b[p++] = (byte) (0xE0 | (c >> 12));
                    b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                }
            }
        }
        out.setLength(p);
    }

    /**
     * Why a string holding a lone surrogate is not written: it is not Unicode text. {@code JSON.stringify} would
     * escape it, but a protobuf peer cannot receive it (protobuf strings are UTF-8), so jipc refuses it in both
     * codecs, when sending as when receiving ({@code proto/README.md}, section 2).
     *
     * @param c the surrogate
     * @return the exception to throw
     */
    static IllegalArgumentException loneSurrogate(char c) {
        return new IllegalArgumentException(String.format("string holds a lone surrogate \\u%04x: not Unicode text "
                + "(a protobuf peer could not receive it)", (int) c));
    }

    /**
     * @param s a string
     * @return the index of its first surrogate that is not half of a pair (high then low), or -1
     */
    static int loneSurrogateIndex(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * Refuses a string that is not Unicode text (it holds a lone surrogate), which neither codec can carry.
     *
     * @param s a string
     * @throws IllegalArgumentException when it holds a lone surrogate
     */
    public static void requireText(CharSequence s) {
        int i = loneSurrogateIndex(s);
        if (i >= 0) {
            throw loneSurrogate(s.charAt(i));
        }
    }

    private static int unicodeEscape(byte[] b, int p, char c) {
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[(c >> 12) & 0xF];
        b[p++] = HEX[(c >> 8) & 0xF];
        b[p++] = HEX[(c >> 4) & 0xF];
        b[p++] = HEX[c & 0xF];
        return p;
    }

    /**
     * The JSON text {@code JSON.stringify} produces for the number {@code v}: {@code null} for NaN and infinities,
     * {@code 0} for -0, otherwise the shortest round-trip digits in JavaScript notation ({@code 1e+21},
     * {@code 1e-7}, {@code 0.000001}, {@code 100000000000000000000}).
     *
     * @param v the number
     * @return its JSON text
     */
    static String numberText(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == 0) {
            return "0";
        }
        if (v == Math.rint(v) && Math.abs(v) <= 9.007199254740992E15) {
            return Long.toString((long) v); // exact, and the shortest form below 2^53
        }
        String java = NumberOutput.toString(v, true);
        if (Math.abs(v) < Double.MIN_NORMAL) {
            // Java prints at least two digits (4.9E-324); a subnormal may round-trip with one (5e-324)
            String one = oneDigit(new BigDecimal(v));
            if (Double.parseDouble(one) == v) {
                java = one;
            }
        }
        return fromJavaNotation(java);
    }

    /** The decimal with one significant digit closest to {@code exact}, in BigDecimal notation ({@code 5E-324}). */
    private static String oneDigit(BigDecimal exact) {
        return exact.round(ONE_DIGIT).toString();
    }

    /**
     * JavaScript notation for a float: its shortest float digits (as Jackson would write them), so {@code 0.1f}
     * gives {@code 0.1} rather than the widened double's {@code 0.10000000149011612}.
     *
     * @param v the number
     * @return its JSON text
     */
    static String numberText(float v) {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            return "null";
        }
        if (v == 0) {
            return "0";
        }
        if (v == Math.rint(v) && Math.abs(v) <= 16777216f) {
            return Long.toString((long) v);
        }
        String java = NumberOutput.toString(v, true);
        if (Math.abs(v) < Float.MIN_NORMAL) {
            String one = oneDigit(new BigDecimal(v));
            if (Float.parseFloat(one) == v) {
                java = one;
            }
        }
        return fromJavaNotation(java);
    }

    /**
     * Converts Java's {@code Double.toString} notation ({@code 1.0E-7}, {@code 123.45}) or BigDecimal's
     * ({@code 5E-324}) holding the shortest digits into ECMAScript Number::toString notation.
     *
     * @param j a finite, non-zero number in Java notation
     * @return the same number in JavaScript notation
     */
    static String fromJavaNotation(String j) {
        int start = 0;
        boolean negative = j.charAt(0) == '-';
        if (negative) {
            start = 1;
        }
        int e = j.indexOf('E');
        int exp = 0;
        int mantEnd = j.length();
        if (e >= 0) {
            exp = Integer.parseInt(j, e + 1, j.length(), 10);
            mantEnd = e;
        }
        StringBuilder digits = new StringBuilder(mantEnd - start);
        int pointPos = -1;
        for (int i = start; i < mantEnd; i++) {
            char c = j.charAt(i);
            if (c == '.') {
                pointPos = digits.length();
            } else {
                digits.append(c);
            }
        }
        // value = 0.d1d2...dk * 10^n
        int n = (pointPos < 0 ? digits.length() : pointPos) + exp;
        int lead = 0;
        while (lead < digits.length() && digits.charAt(lead) == '0') {
            lead++;
        }
        int trail = digits.length();
        while (trail > lead && digits.charAt(trail - 1) == '0') {
            trail--;
        }
        if (lead == trail) {
            return "0";
        }
        String d = digits.substring(lead, trail);
        n -= lead;
        int k = d.length();
        StringBuilder sb = new StringBuilder(k + 8);
        if (negative) {
            sb.append('-');
        }
        if (k <= n && n <= 21) {
            sb.append(d);
            for (int i = k; i < n; i++) {
                sb.append('0');
            }
        } else if (0 < n && n <= 21) {
            sb.append(d, 0, n).append('.').append(d, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.");
            for (int i = n; i < 0; i++) {
                sb.append('0');
            }
            sb.append(d);
        } else {
            sb.append(d.charAt(0));
            if (k > 1) {
                sb.append('.').append(d, 1, k);
            }
            sb.append('e').append(n - 1 >= 0 ? '+' : '-').append(Math.abs(n - 1));
        }
        return sb.toString();
    }
}
