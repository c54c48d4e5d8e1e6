package io.jipc.internal.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Incremental decoder for one connection: any split of the byte stream produces the same {@code onFrame} calls;
 * every complete frame is dispatched as soon as its delimiter arrives (node-ipc 14 behaviour, not 9's).
 * Not thread-safe (one per connection).
 *
 * <p>Memory stays bounded: an incomplete frame is buffered only up to {@code maxFrameBytes} (plus the delimiter
 * length); past that it is reported at once and, if skipped, discarded up to its delimiter. The internal buffer
 * starts empty, grows on demand and is released again after a large frame. Complete frames inside a heap
 * {@link ByteBuffer} are parsed in place; other bytes are copied into the internal buffer.
 *
 * <p>Frames are validated with Jackson's streaming parser, without building a tree. Invalid UTF-8 is reported as
 * malformed (node would substitute U+FFFD), as are a UTF-8 byte order mark and NUL bytes. Limits of the given
 * {@link JsonFactory} ({@code StreamReadConstraints}: nesting depth, number length, ...) apply. When the sink throws,
 * the exception propagates and the decoder is finished.
 */
public final class JsonFrameDecoder {

    /** Capacity of the internal buffer when first needed. */
    static final int INITIAL_CAPACITY = 4096;
    /** A buffer larger than this is released (or shrunk) once it holds (almost) nothing. */
    static final int RETAIN_LIMIT = 64 * 1024;
    /** Bytes copied at a time from a direct buffer, and while discarding an oversize frame. */
    static final int CHUNK = 16 * 1024;
    private static final int TYPE_CACHE_SIZE = 32; // power of two
    private static final int MAX_CACHED_TYPE_BYTES = 256;

    private final byte[] delim;
    private final int dlen;
    private final byte d0;
    private final int maxFrameBytes;
    /** Most bytes ever buffered for an incomplete frame: maxFrameBytes + delimiter length. */
    private final int bufferLimit;
    private final JsonFactory factory;

    private byte[] buf;
    private int len;
    private boolean discarding;
    private boolean finished;
    private boolean decoding;
    private TypeEntry[] typeCache;

    // result of parse()
    private String frameType;
    private int dataFrom;
    private int dataTo;

    /**
     * Creates a decoder.
     *
     * @param delimiter frame delimiter, non-empty (node-ipc's default is {@code 0x0C})
     * @param maxFrameBytes largest accepted frame in bytes, delimiter excluded (positive)
     * @param factory creates the parsers that validate frames; must be a JSON factory whose byte parsers are
     *     Jackson's UTF-8 parser (the default; turning off {@code CANONICALIZE_FIELD_NAMES} is not supported)
     */
    public JsonFrameDecoder(byte[] delimiter, int maxFrameBytes, JsonFactory factory) {
        Objects.requireNonNull(delimiter, "delimiter");
        Objects.requireNonNull(factory, "factory");
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        this.delim = delimiter.clone();
        this.dlen = delim.length;
        this.d0 = delim[0];
        this.maxFrameBytes = maxFrameBytes;
        this.bufferLimit = (int) Math.min((long) maxFrameBytes + dlen, Integer.MAX_VALUE - 8);
        this.factory = factory;
        requireUtf8ByteParser(factory);
    }

    /** Byte offsets are only available from Jackson's UTF-8 byte parser, which some factory settings turn off. */
    private static void requireUtf8ByteParser(JsonFactory factory) {
        byte[] probe = {'{', '}'};
        try (JsonParser p = factory.createParser(probe, 0, probe.length)) {
            if (p instanceof UTF8StreamJsonParser) {
                return;
            }
            throw new IllegalArgumentException("factory must create UTF-8 byte parsers (a JSON factory with "
                    + "CANONICALIZE_FIELD_NAMES enabled), got " + p.getClass().getName());
        } catch (IOException e) {
            throw new IllegalArgumentException("factory cannot create parsers", e);
        }
    }

    /**
     * Consumes all remaining bytes of {@code src} (heap or direct), calling {@code sink} for each complete frame in
     * order. Once the decoder is finished the bytes are ignored.
     *
     * @param src bytes read from the connection; its position is advanced to its limit
     * @param sink receives the frames; must not call back into this decoder
     */
    public void decode(ByteBuffer src, FrameSink sink) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(sink, "sink");
        if (decoding) {
            throw new IllegalStateException("decode re-entered from a FrameSink");
        }
        decoding = true;
        boolean normal = false;
        try {
            while (!finished && src.hasRemaining()) {
                if (len == 0 && !discarding && src.hasArray()) {
                    scanInPlace(src, sink);
                    if (finished || !src.hasRemaining()) {
                        break;
                    }
                }
                bufferedStep(src, sink);
            }
            normal = true;
        } finally {
            decoding = false;
            if (!normal) {
                finished = true;
            }
            if (finished) {
                src.position(src.limit());
                buf = null;
                len = 0;
            } else {
                trimBuffer();
            }
        }
    }

    /**
     * Number of bytes buffered for an incomplete frame.
     *
     * @return pending byte count
     */
    public int pendingBytes() {
        return len;
    }

    /**
     * True once a sink returned false from {@code onMalformed} (or threw).
     *
     * @return whether the decoder is finished
     */
    public boolean isFinished() {
        return finished;
    }

    /**
     * Capacity of the internal buffer, for tests.
     *
     * @return the capacity in bytes, 0 when no buffer is held
     */
    int bufferCapacity() {
        return buf == null ? 0 : buf.length;
    }

    /** Dispatches the complete frames of a heap buffer in place; leaves the incomplete tail in {@code src}. */
    private void scanInPlace(ByteBuffer src, FrameSink sink) {
        final byte[] a = src.array();
        final int base = src.arrayOffset();
        int pos = base + src.position();
        final int end = base + src.limit();
        int p;
        while ((p = indexOf(a, pos, end)) >= 0) {
            src.position(p + dlen - base);
            dispatch(a, pos, p - pos, sink);
            pos = p + dlen;
            if (finished) {
                return;
            }
        }
        int tail = end - pos;
        if (tail > bufferLimit - 1) {
            // no delimiter in the tail and already longer than any acceptable frame: reject without buffering it
            src.position(end - base);
            keepTail(a, end);
            discarding = true;
            malformed(sink, oversizeReason());
        }
    }

    /** Copies up to one chunk of {@code src} into the buffer and dispatches the frames completed by it. */
    private void bufferedStep(ByteBuffer src, FrameSink sink) {
        int n = src.remaining();
        if (discarding) {
            n = Math.min(n, CHUNK);
        } else {
            n = Math.min(n, bufferLimit - len); // >= 1 because len <= bufferLimit - 1
            if (src.hasArray()) {
                // stop right after the first delimiter so the rest can be parsed in place
                int s = src.arrayOffset() + src.position();
                int p = indexOf(src.array(), s, s + n);
                if (p >= 0) {
                    n = p + dlen - s;
                }
            } else {
                n = Math.min(n, CHUNK);
            }
        }
        ensureCapacity(len + n);
        src.get(buf, len, n);
        final int end = len + n;
        final int scanFrom = Math.max(0, len - (dlen - 1)); // a delimiter may straddle old and new bytes
        int start = 0;
        int p;
        while ((p = indexOf(buf, Math.max(scanFrom, start), end)) >= 0) {
            if (discarding) {
                discarding = false;
            } else {
                dispatch(buf, start, p - start, sink);
                if (finished) {
                    return;
                }
            }
            start = p + dlen;
        }
        int rem = end - start;
        if (discarding) {
            keepTail(buf, end);
        } else if (rem > bufferLimit - 1) {
            keepTail(buf, end);
            discarding = true;
            malformed(sink, oversizeReason());
        } else {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, rem);
            }
            len = rem;
        }
    }

    /** Keeps the last {@code dlen - 1} bytes before {@code end}: they may begin the delimiter ending a discarded frame. */
    private void keepTail(byte[] from, int end) {
        int keep = dlen - 1;
        if (keep > 0) {
            ensureCapacity(keep);
            System.arraycopy(from, end - keep, buf, 0, keep);
        }
        len = keep;
    }

    private int indexOf(byte[] a, int from, int to) {
        final byte first = d0;
        if (dlen == 1) {
            for (int i = from; i < to; i++) {
                if (a[i] == first) {
                    return i;
                }
            }
            return -1;
        }
        final byte[] d = delim;
        final int last = to - dlen;
        outer:
        for (int i = from; i <= last; i++) {
            if (a[i] != first) {
                continue;
            }
            for (int j = 1; j < dlen; j++) {
                if (a[i + j] != d[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void ensureCapacity(int need) {
        if (buf != null && buf.length >= need) {
            return;
        }
        long cap = buf == null ? INITIAL_CAPACITY : buf.length;
        while (cap < need) {
            cap *= 2;
        }
        cap = Math.min(cap, Math.max(need, bufferLimit));
        buf = buf == null ? new byte[(int) cap] : Arrays.copyOf(buf, (int) cap);
    }

    /** Releases or shrinks a large buffer that holds (almost) nothing. */
    private void trimBuffer() {
        if (buf == null || buf.length <= RETAIN_LIMIT) {
            return;
        }
        if (len == 0) {
            buf = null;
        } else if (len <= RETAIN_LIMIT / 4) {
            buf = Arrays.copyOf(buf, Math.max(INITIAL_CAPACITY, len * 2));
        }
    }

    private String oversizeReason() {
        return "frame exceeds maxFrameBytes (" + maxFrameBytes + " bytes)";
    }

    private void malformed(FrameSink sink, String reason) {
        if (!sink.onMalformed(reason)) {
            finished = true;
        }
    }

    private void dispatch(byte[] a, int off, int flen, FrameSink sink) {
        if (flen == 0) {
            return; // node-ipc drops empty pieces between delimiters
        }
        if (flen > maxFrameBytes) {
            malformed(sink, oversizeReason());
            return;
        }
        String reason = parse(a, off, flen);
        if (reason != null) {
            malformed(sink, reason);
            return;
        }
        byte[] data = dataFrom < 0 ? null : Arrays.copyOfRange(a, off + dataFrom, off + dataTo);
        String type = frameType;
        frameType = null;
        sink.onFrame(type, data);
    }

    /**
     * Validates one frame and extracts its type and data range (relative to {@code off}) into fields.
     *
     * <p>Jackson reports byte offsets of a parser created over {@code (array, off, len)} relative to {@code off}
     * (the bootstrapper counts the skipped prefix as negative input). A token's location is its first byte (the
     * opening quote of a string); the current location after a value is the byte just past it.
     *
     * @return null if the frame is a valid envelope, else the reason
     */
    private String parse(byte[] a, int off, int flen) {
        // Jackson auto-detects UTF-16/32 (zero bytes) and skips a UTF-8 BOM; node-ipc's JSON.parse accepts neither
        for (int i = 0, n = Math.min(flen, 4); i < n; i++) {
            if (a[off + i] == 0) {
                return "malformed JSON frame: NUL byte at byte " + i;
            }
        }
        if (flen >= 3 && a[off] == (byte) 0xEF && a[off + 1] == (byte) 0xBB && a[off + 2] == (byte) 0xBF) {
            return "malformed JSON frame: byte order mark at byte 0";
        }
        String type = null;
        int typeState = 0; // 0 absent, 1 string, 2 not a string (last "type" key wins, like JSON.parse)
        int from = -1;
        int to = -1;
        boolean isObject;
        try (JsonParser p = factory.createParser(a, off, flen)) {
            if (!(p instanceof UTF8StreamJsonParser)) {
                return "malformed JSON frame: not UTF-8 JSON text";
            }
            JsonToken t = p.nextToken();
            if (t == null) {
                return "malformed JSON frame: no JSON value";
            }
            isObject = t == JsonToken.START_OBJECT;
            if (!isObject) {
                p.skipChildren(); // validate the rest anyway: invalid JSON takes precedence
            } else {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("type".equals(name)) {
                        if (v == JsonToken.VALUE_STRING) {
                            type = readType(p, a, off, flen);
                            typeState = 1;
                        } else {
                            type = null;
                            typeState = 2;
                            p.skipChildren();
                        }
                    } else if ("data".equals(name)) {
                        from = offset(p.currentTokenLocation());
                        to = valueEnd(p, v, a, off, flen, from);
                    } else {
                        p.skipChildren(); // unknown keys are ignored; strings are skipped (validated) lazily
                    }
                }
            }
            JsonToken extra = p.nextToken();
            if (extra != null) {
                return "malformed JSON frame: unexpected data after the JSON value at byte "
                        + offset(p.currentTokenLocation());
            }
        } catch (JsonProcessingException e) {
            return describe(e);
        } catch (IOException e) {
            return "malformed JSON frame: " + e.getMessage();
        }
        if (!isObject) {
            return "frame is not a {type,data} object";
        }
        if (typeState == 0) {
            return "frame has no type";
        }
        if (typeState == 2) {
            return "frame type is not a string";
        }
        if (from >= 0 && (from >= to || to > flen)) {
            return "malformed JSON frame: cannot locate the data value"; // not expected to happen
        }
        frameType = type;
        dataFrom = from;
        dataTo = to;
        return null;
    }

    /** End (exclusive, relative) of the value whose first token is {@code v}, starting at {@code from}. */
    private static int valueEnd(JsonParser p, JsonToken v, byte[] a, int off, int flen, int from) throws IOException {
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
            p.skipChildren();
            return offset(p.currentLocation());
        }
        if (v == JsonToken.VALUE_STRING) {
            // find the closing quote ourselves; Jackson validates the string (UTF-8, escapes, control chars)
            // when it skips it on the next nextToken(), without materialising a possibly huge String
            int close = closingQuote(a, off + from + 1, off + flen);
            if (a[off + from] == '"' && close >= 0) {
                return close - off + 1;
            }
            p.finishToken();
        }
        return offset(p.currentLocation());
    }

    /** Index of the closing quote of a string whose content starts at {@code i}, or -1. */
    private static int closingQuote(byte[] a, int i, int end) {
        while (i < end) {
            byte b = a[i];
            if (b == '"') {
                return i;
            }
            i += b == '\\' ? 2 : 1;
        }
        return -1;
    }

    /** The type string, reusing the String of a recently seen type with the same raw bytes. */
    private String readType(JsonParser p, byte[] a, int off, int flen) throws IOException {
        int q = offset(p.currentTokenLocation());
        if (q < 0 || q >= flen || a[off + q] != '"') {
            return p.getText();
        }
        int rs = off + q + 1;
        int close = closingQuote(a, rs, off + flen);
        if (close < 0 || close - rs > MAX_CACHED_TYPE_BYTES) {
            return p.getText();
        }
        int rlen = close - rs;
        int h = 1;
        for (int i = rs; i < close; i++) {
            h = 31 * h + a[i];
        }
        TypeEntry[] cache = typeCache;
        if (cache == null) {
            cache = typeCache = new TypeEntry[TYPE_CACHE_SIZE];
        }
        int slot = (h ^ (h >>> 16)) & (TYPE_CACHE_SIZE - 1);
        TypeEntry e = cache[slot];
        if (e != null && e.hash == h && Arrays.equals(e.raw, 0, e.raw.length, a, rs, close)) {
            // same bytes as an already decoded (so valid) string: leave the token to be skipped by Jackson
            return e.value;
        }
        String s = p.getText(); // decodes escapes and validates
        cache[slot] = new TypeEntry(h, Arrays.copyOfRange(a, rs, rs + rlen), s);
        return s;
    }

    private static int offset(JsonLocation loc) {
        return loc == null ? -1 : (int) loc.getByteOffset();
    }

    private static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg == null) {
            msg = e.getClass().getSimpleName();
        }
        int cut = msg.indexOf(" (start marker at ");
        if (cut >= 0) {
            msg = msg.substring(0, cut);
        }
        int nl = msg.indexOf('\n');
        if (nl >= 0) {
            msg = msg.substring(0, nl);
        }
        if (msg.length() > 300) {
            msg = msg.substring(0, 300) + "...";
        }
        StringBuilder sb = new StringBuilder("malformed JSON frame: ").append(msg);
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getByteOffset() >= 0) {
            sb.append(" at byte ").append(loc.getByteOffset());
        }
        return sb.toString();
    }

    /** One cached type: raw (still escaped) UTF-8 bytes between the quotes and the decoded String. */
    private static final class TypeEntry {
        final int hash;
        final byte[] raw;
        final String value;

        TypeEntry(int hash, byte[] raw, String value) {
            this.hash = hash;
            this.raw = raw;
            this.value = value;
        }
    }
}
