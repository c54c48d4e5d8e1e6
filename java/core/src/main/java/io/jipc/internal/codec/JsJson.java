package io.jipc.internal.codec;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * JavaScript-compatible JSON text primitives: strings escaped exactly like {@code JSON.stringify} and numbers
 * formatted like {@code Number.prototype.toString()}, written as UTF-8.
 */
final class JsJson {

    /** Per ASCII char: 0 = literal, -1 = <code>&#92;u00xx</code>, otherwise the short escape letter. */
    private static final byte[] ESCAPES = new byte[128];
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final MathContext ONE_DIGIT = new MathContext(1, RoundingMode.HALF_EVEN);
    /** Chars written per capacity check; every char takes at most 6 bytes. */
    private static final int SEGMENT = 1024;

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
     * lone surrogates as <code>&#92;udxxx</code>, everything else (including U+007F, U+2028, U+2029, '/') raw.
     *
     * @param s the string
     * @param out buffer the quoted string is appended to
     */
    static void writeString(String s, FrameBuffer out) {
        final int n = s.length();
        out.ensure(2 + Math.min(n, SEGMENT) * 6);
        byte[] b = out.array();
        int p = out.length();
        b[p++] = '"';
        int i = 0;
        while (i < n) {
            int segEnd = Math.min(n, i + SEGMENT);
            if (b.length - p < (segEnd - i) * 6 + 1) {
                out.setLength(p);
                out.ensure((segEnd - i) * 6 + 1);
                b = out.array();
            }
            for (; i < segEnd; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    byte e = ESCAPES[c];
                    if (e == 0) {
                        b[p++] = (byte) c;
                    } else if (e > 0) {
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
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(d = s.charAt(i + 1))) {
                        int cp = Character.toCodePoint(c, d);
                        b[p++] = (byte) (0xF0 | (cp >> 18));
                        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                        b[p++] = (byte) (0x80 | (cp & 0x3F));
                        i++; // may step to segEnd: the pair's 4 bytes fit in the first char's 6-byte budget
                    } else {
                        p = unicodeEscape(b, p, c);
                    }
                } else {
                    b[p++] = (byte) (0xE0 | (c >> 12));
                    b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                }
            }
        }
        b[p++] = '"';
        out.setLength(p);
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
