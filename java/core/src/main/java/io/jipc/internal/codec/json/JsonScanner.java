package io.jipc.internal.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.jipc.internal.codec.ByteScan;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The JSON decoder's hot path: validates a frame and takes it apart (type, and the ranges of its data and of jipc's
 * request/response keys) without Jackson, leaving the results in fields the decoder reads right after (one instance
 * per decoder, reused: no allocation per frame). Its scanning state stays in this one class. Not thread-safe.
 */
final class JsonScanner {
    /** Deepest nesting the fast path handles (the envelope object is depth 1); at most 64 (one bit per level). */
    static final int FAST_MAX_DEPTH = 32;
    private static final VarHandle LONGS = ByteScan.LONGS;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    /** The bytes <code>{"type":</code> and <code>,"data":</code> as read by {@link #LONGS}. */
    private static final long TYPE_KEY = (long) LONGS.get("{\"type\":".getBytes(StandardCharsets.US_ASCII), 0);
    private static final long DATA_KEY = (long) LONGS.get(",\"data\":".getBytes(StandardCharsets.US_ASCII), 0);

    private final JsonFactory factory;
    // limits the fast path derives from the factory's StreamReadConstraints (re-derived when the factory's change)
    private StreamReadConstraints limitsFrom;
    private boolean limitsOk;
    private int fastMaxDepth;
    private int maxNumberLength;
    private int maxNameLength;
    private int maxStringLength;
    /** Event types decoded recently (shared with the Jackson fallback). */
    private final JsonTypeCache types;
    /** The entry of the last cached type decoded by the scanner (only types without escapes are cached). */
    private JsonTypeCache.Entry lastType;
    /** Set by scanString when it meets an escape (reset by callers that care). */
    private boolean sawEscape;
    /** Where {@link #shapeEnd} found the end of the type string (just past its quote). */
    private int shapeTypeEnd;

    /** Where a parse writes what it found. */
    private final JsonFrameFields out;

    /**
     * @param factory the decoder's parser factory, whose settings and limits say what the scanner may accept
     * @param types the decoder's type cache (shared with the Jackson fallback)
     * @param out where {@link #parse} writes what it found (shared with the Jackson fallback)
     */
    JsonScanner(JsonFactory factory, JsonTypeCache types, JsonFrameFields out) {
        this.factory = factory;
        this.types = types;
        this.out = out;
    }

    /**
     * Validates one frame and takes it apart into the decoder's {@link JsonFrameFields}, when the scanner can.
     *
     * @return true when it did; false to leave the frame to Jackson (unsure, or invalid)
     */
    boolean parse(byte[] a, int off, int flen) {
        out.clearKeys();
        return fastPathUsable() && fastParse(a, off, flen);
    }

    /** @return whether {@link #shapeEnd} may be tried (the factory's settings and limits allow the shape) */
    boolean shapeUsable() {
        return fastPathUsable() && fastMaxDepth >= 1 && maxNameLength >= 4;
    }

    /** Takes the results of a frame the scanner {@link #shapeEnd validated} ahead of its delimiter. */
    boolean acceptShapeAhead(byte[] a, int s, int de) {
        out.clearKeys();
        return acceptShape(a, s, de);
    }

    /**
     * Validates node-ipc's exact frame shape <code>{"type":"...","data":...}</code> at {@code s}, whose first nine
     * bytes the caller matched, looking no further than {@code to}.
     *
     * @return the index of the closing brace (the type's end is left in {@link #shapeTypeEnd}), or -1
     */
    int shapeEnd(byte[] a, int s, int to) {
        final int te = scanString(a, s + 9, to);
        if (te < 0 || to - te < 10 || (long) LONGS.get(a, te) != DATA_KEY) {
            return -1;
        }
        final int de = scanValue(a, te + 8, to);
        if (de < 0 || de >= to || a[de] != '}') {
            return -1;
        }
        shapeTypeEnd = te;
        return de;
    }

    /** {@link #accept} for the frame {@link #shapeEnd} validated at {@code s}, closing brace at {@code de}. */
    private boolean acceptShape(byte[] a, int s, int de) {
        return accept(a, s, s + 9, shapeTypeEnd - 1, shapeTypeEnd + 8, de);
    }

    // ---- fast path --------------------------------------------------------------------------------------------------
    //
    // The scanner below accepts a frame only when it is sure Jackson (with this factory's settings) would accept it
    // with the same result; when it is unsure, or the frame is invalid, it returns false (or -1 from a helper) and the
    // frame goes through Jackson, which produces the verdict and the message. So it must never accept more than
    // Jackson does: strict RFC 8259 JSON, strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF),
    // no control characters in strings, and the StreamReadConstraints limits checked conservatively (raw byte
    // lengths, which are never smaller than the lengths Jackson measures).

    /**
     * Whether the factory is (still) configured so that strict JSON passes Jackson exactly when it passes the
     * scanner. Read per frame because a JsonFactory is mutable; cheap.
     */
    private boolean fastPathUsable() {
        JsonFactory f = factory;
        if (f.isEnabled(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                || !f.isEnabled(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES) || f.getInputDecorator() != null) {
            return false;
        }
        StreamReadConstraints c = f.streamReadConstraints();
        if (c != limitsFrom) {
            limitsFrom = c;
            // document length and token count limits are off by default; with them, leave everything to Jackson
            limitsOk = !c.hasMaxDocumentLength() && !c.hasMaxTokenCount();
            fastMaxDepth = Math.min(FAST_MAX_DEPTH, c.getMaxNestingDepth());
            maxNumberLength = c.getMaxNumberLength();
            maxNameLength = c.getMaxNameLength();
            maxStringLength = c.getMaxStringLength();
        }
        return limitsOk;
    }

    /**
     * Tries to validate and take apart one frame without Jackson: an object with a string "type", optionally a
     * "data" value, and any other keys, in any order and with any whitespace; "type" and "data" at most once, and no
     * key of the envelope spelt with escapes.
     *
     * @return true with {@code frameType}, {@code dataFrom} and {@code dataTo} set, false to defer to Jackson
     */
    private boolean fastParse(byte[] a, int off, int flen) {
        final int end = off + flen;
        if (flen >= 20 && (long) LONGS.get(a, off) == TYPE_KEY && a[off + 8] == '"' && fastMaxDepth >= 1
                && maxNameLength >= 4) {
            // the exact shape node-ipc and our encoder write: {"type":"...","data":...}
            if (shapeEnd(a, off, end) == end - 1) {
                return acceptShape(a, off, end - 1);
            }
        }
        int i = off;
        if (a[i] != '{') {
            i = skipWs(a, i, end);
            if (i >= end || a[i] != '{') {
                return false;
            }
        }
        if (fastMaxDepth < 1) {
            return false;
        }
        i = skipWs(a, i + 1, end);
        int typeFrom = -1;
        int typeTo = -1;
        int from = -1;
        int to = -1;
        while (true) {
            if (i >= end || a[i] != '"') {
                return false; // includes {} (no type), which Jackson reports
            }
            final int ks = i + 1;
            sawEscape = false;
            final int ke = scanString(a, ks, end);
            if (ke < 0) {
                return false;
            }
            final int klen = ke - 1 - ks;
            int kind = 0; // 1 type, 2 data, 3 id, 4 re, 5 error, 0 other
            if (klen == 4) {
                byte k0 = a[ks];
                if (k0 == 't' && a[ks + 1] == 'y' && a[ks + 2] == 'p' && a[ks + 3] == 'e') {
                    kind = 1;
                } else if (k0 == 'd' && a[ks + 1] == 'a' && a[ks + 2] == 't' && a[ks + 3] == 'a') {
                    kind = 2;
                }
            } else if (klen == 2) {
                if (a[ks] == 'i' && a[ks + 1] == 'd') {
                    kind = 3;
                } else if (a[ks] == 'r' && a[ks + 1] == 'e') {
                    kind = 4;
                }
            } else if (klen == 5 && a[ks] == 'e' && a[ks + 1] == 'r' && a[ks + 2] == 'r' && a[ks + 3] == 'o'
                    && a[ks + 4] == 'r') {
                kind = 5;
            }
            if (klen > maxNameLength || sawEscape) {
                return false; // an escaped key might spell "type" or "data"
            }
            i = skipWs(a, ke, end);
            if (i >= end || a[i] != ':') {
                return false;
            }
            i = skipWs(a, i + 1, end);
            if (i >= end) {
                return false;
            }
            if (kind == 1) {
                if (typeFrom >= 0 || a[i] != '"') {
                    return false; // repeated, or not a string
                }
                typeFrom = i + 1;
                i = scanString(a, typeFrom, end);
                if (i < 0) {
                    return false;
                }
                typeTo = i - 1;
            } else if (kind == 2) {
                if (from >= 0) {
                    return false;
                }
                from = i;
                i = scanValue(a, i, end);
                if (i < 0) {
                    return false;
                }
                to = i;
            } else {
                final int vs = i;
                i = scanValue(a, i, end);
                if (i < 0) {
                    return false;
                }
                if (kind == 3) {
                    out.idFrom = vs - off;
                    out.idTo = i - off;
                } else if (kind == 4) {
                    out.reFrom = vs - off;
                    out.reTo = i - off;
                } else if (kind == 5) {
                    out.errFrom = vs - off;
                    out.errTo = i - off;
                }
            }
            if (i < end && a[i] == ',') {
                i = skipWs(a, i + 1, end);
                continue;
            }
            i = skipWs(a, i, end);
            if (i >= end) {
                return false;
            }
            byte c = a[i];
            if (c == ',') {
                i = skipWs(a, i + 1, end);
            } else if (c == '}') {
                break;
            } else {
                return false;
            }
        }
        if (skipWs(a, i + 1, end) != end || typeFrom < 0) {
            return false;
        }
        return accept(a, off, typeFrom, typeTo, from, to);
    }

    /**
     * Sets the result fields for a validated frame (absolute indexes; {@code from} -1 if there is no data), unless
     * its type is left for Jackson to decode.
     */
    private boolean accept(byte[] a, int off, int typeFrom, int typeTo, int from, int to) {
        if (typeTo == typeFrom) {
            return false; // an empty type: the Jackson path reports it
        }
        String type = fastType(a, typeFrom, typeTo);
        if (type == null) {
            return false;
        }
        out.frameType = type;
        out.dataFrom = from < 0 ? -1 : from - off;
        out.dataTo = from < 0 ? -1 : to - off;
        return true;
    }

    /** The decoded type from its validated raw content, via the cache; null to let Jackson decode it. */
    private String fastType(byte[] a, int rs, int re) {
        int rlen = re - rs;
        JsonTypeCache.Entry last = lastType;
        if (last != null && ByteScan.sameBytes(last.raw, a, rs, rlen)) {
            return last.value; // a stream of one event type: no hash, no escape scan
        }
        boolean escaped = false;
        int h = 1;
        for (int i = rs; i < re; i++) {
            byte b = a[i];
            h = 31 * h + b;
            escaped |= b == '\\';
        }
        if (rlen > JsonTypeCache.MAX_BYTES) {
            return escaped || rlen > maxStringLength ? null : new String(a, rs, rlen, StandardCharsets.UTF_8);
        }
        JsonTypeCache.Entry e = types.find(h, a, rs, re);
        if (e != null) {
            lastType = e;
            return e.value;
        }
        if (escaped || rlen > maxStringLength) {
            return null; // Jackson decodes the escapes (and caches the result)
        }
        String s = new String(a, rs, rlen, StandardCharsets.UTF_8); // valid UTF-8: decodes exactly like Jackson
        lastType = types.put(h, a, rs, re, s);
        return s;
    }

    /** First index at or after {@code i} that is not JSON whitespace (or {@code end}). */
    private static int skipWs(byte[] a, int i, int end) {
        while (i < end) {
            byte b = a[i];
            if (b > ' ' || (b != ' ' && b != '\n' && b != '\r' && b != '\t')) {
                return i;
            }
            i++;
        }
        return i;
    }

    /**
     * Validates the string whose content starts at {@code i} (just after the opening quote).
     *
     * @return the index just past the closing quote, or -1
     */
    private int scanString(byte[] a, int i, int end) {
        final int last = end - 8;
        while (true) {
            if (i <= last) {
                // eight bytes at a time: plain ones are 0x20..0x7F except '"' and '\\'
                long x = (long) LONGS.get(a, i);
                long q = x ^ 0x2222222222222222L;
                long bs = x ^ 0x5C5C5C5C5C5C5C5CL;
                long special = (x | ((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((bs - ONES) & ~bs)) & HIGHS;
                if (special == 0) {
                    i += 8;
                    continue;
                }
                // borrows only run upwards from a special byte, so the lowest flag marks the first special byte
                i += Long.numberOfTrailingZeros(special) >>> 3;
            } else {
                while (true) {
                    if (i >= end) {
                        return -1;
                    }
                    int c = a[i];
                    if (c < 0x20 || c == '"' || c == '\\') { // c < 0 for non-ASCII bytes
                        break;
                    }
                    i++;
                }
            }
            final int b = a[i];
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                sawEscape = true;
                i = scanEscape(a, i + 1, end);
            } else if (b < 0) {
                i = ByteScan.scanUtf8(a, i, end, b & 0xFF);
            } else {
                return -1; // raw control character
            }
            if (i < 0) {
                return -1;
            }
        }
    }

    /** Validates the escape whose letter is at {@code i}; returns the index after it, or -1. */
    private static int scanEscape(byte[] a, int i, int end) {
        if (i >= end) {
            return -1;
        }
        switch (a[i]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
                return i + 1;
            case 'u': {
                int u = hex4(a, i + 1, end);
                if (u < 0xD800 || u > 0xDFFF) {
                    return u < 0 ? -1 : i + 5;
                }
                // a surrogate escape must be a high one followed at once by an escaped low one (else: Jackson path)
                if (u > 0xDBFF || end - i < 11 || a[i + 5] != '\\' || a[i + 6] != 'u') {
                    return -1;
                }
                int low = hex4(a, i + 7, end);
                return low >= 0xDC00 && low <= 0xDFFF ? i + 11 : -1;
            }
            default:
                return -1;
        }
    }

    /** The value of the four hex digits at {@code i}, or -1 when they are not four hex digits before {@code end}. */
    private static int hex4(byte[] a, int i, int end) {
        if (end - i < 4) {
            return -1;
        }
        int v = 0;
        for (int k = i; k < i + 4; k++) {
            int h = a[k];
            int d;
            if (h >= '0' && h <= '9') {
                d = h - '0';
            } else if (h >= 'a' && h <= 'f') {
                d = h - 'a' + 10;
            } else if (h >= 'A' && h <= 'F') {
                d = h - 'A' + 10;
            } else {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /**
     * Finds a <code>&#92;u</code> escape of a surrogate that is not half of an escaped pair (high then low) in a
     * frame Jackson validated: JSON can spell one, but it is not Unicode text, and protobuf strings (valid UTF-8)
     * cannot carry it, so jipc refuses it in both codecs ({@code proto/README.md}, section 2). Outside strings a
     * valid JSON text has no backslash, so every backslash found here starts an escape.
     *
     * @return the offset (relative to {@code off}) of the lone surrogate's backslash, or -1 when there is none
     */
    static int loneSurrogate(byte[] a, int off, int flen) {
        final int end = off + flen;
        int i = off;
        while ((i = JsonFrameDecoder.indexOfByte(a, i, end, (byte) '\\')) >= 0) {
            if (i + 1 >= end || a[i + 1] != 'u') {
                i += 2;
                continue;
            }
            int u = hex4(a, i + 2, end);
            if (u >= 0xD800 && u <= 0xDFFF) {
                int low = u <= 0xDBFF && end - i >= 12 && a[i + 6] == '\\' && a[i + 7] == 'u'
                        ? hex4(a, i + 8, end) : -1;
                if (low < 0xDC00 || low > 0xDFFF) {
                    return i - off;
                }
                i += 12;
            } else {
                i += 6;
            }
        }
        return -1;
    }

    /**
     * Validates the value starting at {@code i} (not whitespace) inside the envelope object.
     *
     * @return the index just past it, or -1
     */
    private int scanValue(byte[] a, int i, int end) {
        byte b = a[i];
        if (b == '"') {
            return scanString(a, i + 1, end);
        }
        if (b != '{' && b != '[') {
            return scanScalar(a, i, end);
        }
        final int maxOpen = fastMaxDepth - 1; // the envelope is open already
        long stack = 0; // one bit per open container, lowest = innermost, 1 = object
        int open = 0;
        while (true) {
            // at the first byte of a value
            b = a[i];
            if (b == '{' || b == '[') {
                if (open >= maxOpen) {
                    return -1;
                }
                boolean obj = b == '{';
                stack = stack << 1 | (obj ? 1 : 0);
                open++;
                i = skipWs(a, i + 1, end);
                if (i >= end) {
                    return -1;
                }
                if (a[i] == (obj ? '}' : ']')) {
                    i++;
                    stack >>>= 1;
                    open--;
                } else {
                    if (obj) {
                        i = scanKey(a, i, end);
                        if (i < 0) {
                            return -1;
                        }
                    }
                    continue;
                }
            } else {
                i = b == '"' ? scanString(a, i + 1, end) : scanScalar(a, i, end);
                if (i < 0) {
                    return -1;
                }
            }
            // just past a value: close containers until one continues with a comma
            while (true) {
                if (open == 0) {
                    return i;
                }
                if (i >= end) {
                    return -1;
                }
                b = a[i];
                if (b != ',' && b != '}' && b != ']') {
                    i = skipWs(a, i, end);
                    if (i >= end) {
                        return -1;
                    }
                    b = a[i];
                }
                boolean obj = (stack & 1) != 0;
                if (b == ',') {
                    i = skipWs(a, i + 1, end);
                    if (i >= end) {
                        return -1;
                    }
                    if (obj) {
                        i = scanKey(a, i, end);
                        if (i < 0) {
                            return -1;
                        }
                    }
                    break;
                }
                if (b != (obj ? '}' : ']')) {
                    return -1;
                }
                i++;
                stack >>>= 1;
                open--;
            }
        }
    }

    /** Validates {@code "name" :} at {@code i}; returns the index of the value after it (not whitespace), or -1. */
    private int scanKey(byte[] a, int i, int end) {
        if (a[i] != '"') {
            return -1;
        }
        sawEscape = false;
        int e = scanString(a, i + 1, end);
        if (e < 0 || e - i - 2 > maxNameLength || sawEscape && hasSurrogateEscape(a, i + 1, e - 1)) {
            return -1;
        }
        i = skipWs(a, e, end);
        if (i >= end || a[i] != ':') {
            return -1;
        }
        i = skipWs(a, i + 1, end);
        return i < end ? i : -1;
    }

    /**
     * Whether the validated string content {@code a[i, end)} has a <code>&#92;u</code> escape of a surrogate. Jackson
     * rejects unpaired ones in field names (not in values); names with any are left to it.
     */
    private static boolean hasSurrogateEscape(byte[] a, int i, int end) {
        while (i < end) {
            if (a[i] != '\\') {
                i++;
            } else if (a[i + 1] != 'u') {
                i += 2;
            } else {
                int h1 = a[i + 2] | 0x20; // hex digits in lower case
                int h2 = a[i + 3] | 0x20;
                if (h1 == 'd' && (h2 == '8' || h2 == '9' || h2 >= 'a' && h2 <= 'f')) {
                    return true; // D800..DFFF
                }
                i += 6;
            }
        }
        return false;
    }

    /** Validates a number or literal at {@code i}; returns the index just past it, or -1. */
    private int scanScalar(byte[] a, int i, int end) {
        byte b = a[i];
        if (b == 't') {
            return end - i >= 4 && a[i + 1] == 'r' && a[i + 2] == 'u' && a[i + 3] == 'e' ? i + 4 : -1;
        }
        if (b == 'f') {
            return end - i >= 5 && a[i + 1] == 'a' && a[i + 2] == 'l' && a[i + 3] == 's' && a[i + 4] == 'e'
                    ? i + 5 : -1;
        }
        if (b == 'n') {
            return end - i >= 4 && a[i + 1] == 'u' && a[i + 2] == 'l' && a[i + 3] == 'l' ? i + 4 : -1;
        }
        final int start = i;
        if (b == '-') {
            if (++i >= end) {
                return -1;
            }
            b = a[i];
        }
        if (b == '0') {
            i++;
        } else if (b >= '1' && b <= '9') {
            i = digits(a, i + 1, end);
        } else {
            return -1;
        }
        if (i < end && a[i] == '.') {
            int d = digits(a, i + 1, end);
            if (d == i + 1) {
                return -1;
            }
            i = d;
        }
        if (i < end && (a[i] == 'e' || a[i] == 'E')) {
            i++;
            if (i < end && (a[i] == '+' || a[i] == '-')) {
                i++;
            }
            int d = digits(a, i, end);
            if (d == i) {
                return -1;
            }
            i = d;
        }
        // a digit right after (01, -00) is left for the caller to reject; the limit counts every byte
        return i - start <= maxNumberLength ? i : -1;
    }

    private static int digits(byte[] a, int i, int end) {
        while (i < end && a[i] >= '0' && a[i] <= '9') {
            i++;
        }
        return i;
    }
}
