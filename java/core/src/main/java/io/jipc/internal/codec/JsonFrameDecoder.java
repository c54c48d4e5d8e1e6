package io.jipc.internal.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import io.jipc.IpcException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
 * <p>Frames are validated with Jackson's streaming parser, without building a tree. A hand-written scanner first tries
 * each frame: it accepts only strict JSON envelopes it can fully validate itself (UTF-8, escapes, number grammar,
 * structure, the factory's limits) and hands everything else, including every invalid frame, to Jackson, so results
 * and error messages are the same either way. Invalid UTF-8 is reported as
 * malformed (node would substitute U+FFFD), as are a UTF-8 byte order mark and NUL bytes. Limits of the given
 * {@link JsonFactory} ({@code StreamReadConstraints}: nesting depth, number length, ...) apply. When the sink throws,
 * the exception propagates and the decoder is finished. A stream that starts with {@code 0x8F}, the lead byte of
 * jipc's protobuf preamble, is refused on that byte ({@link FrameSink#WIRE_PROTO_REASON}; the decoder is finished)
 * unless the delimiter starts with it.
 */
public final class JsonFrameDecoder extends StreamDecoder {

    /** Capacity of the internal buffer when first needed. */
    static final int INITIAL_CAPACITY = 4096;
    /** A buffer larger than this is released (or shrunk) once it holds (almost) nothing. */
    static final int RETAIN_LIMIT = 64 * 1024;
    /** Bytes copied at a time from a direct buffer, and while discarding an oversize frame. */
    static final int CHUNK = 16 * 1024;
    private static final int TYPE_CACHE_SIZE = 32; // power of two
    private static final int MAX_CACHED_TYPE_BYTES = 256;
    /** Deepest nesting the fast path handles (the envelope object is depth 1); at most 64 (one bit per level). */
    static final int FAST_MAX_DEPTH = 32;
    /** Eight bytes of an array at a time, little-endian (shared with {@link ProtoFrameDecoder}). */
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    /** The bytes <code>{"type":</code> and <code>,"data":</code> as read by {@link #LONGS}. */
    private static final long TYPE_KEY = (long) LONGS.get("{\"type\":".getBytes(StandardCharsets.US_ASCII), 0);
    private static final long DATA_KEY = (long) LONGS.get(",\"data\":".getBytes(StandardCharsets.US_ASCII), 0);

    private final byte[] delim;
    private final int dlen;
    private final byte d0;
    private final int maxFrameBytes;
    /** Most bytes ever buffered for an incomplete frame: maxFrameBytes + delimiter length. */
    private final int bufferLimit;
    private final JsonFactory factory;
    /** Whether the factory creates plain Jackson UTF-8 parsers (not a subclass) and the fast path was not disabled. */
    private final boolean fastPath;
    /**
     * Whether a frame of the exact node-ipc shape may be validated before its delimiter is searched for: true when
     * the delimiter starts with a control character that is not JSON whitespace (node-ipc's {@code \f} does), as such
     * a byte can occur nowhere in a frame the fast path accepts, so the delimiter found right after one is its first.
     */
    private final boolean parseAhead;
    /** Where {@link #shapeEnd} found the end of the type string (just past its quote). */
    private int shapeTypeEnd;
    /** Set by {@link #frameEnd} when it validated the frame it returns the end of (the fields of parse() are set). */
    private boolean parsedAhead;

    // limits the fast path derives from the factory's StreamReadConstraints (re-derived when the factory's change)
    private StreamReadConstraints limitsFrom;
    private boolean limitsOk;
    private int fastMaxDepth;
    private int maxNumberLength;
    private int maxNameLength;
    private int maxStringLength;

    private byte[] buf;
    private int len;
    private boolean discarding;
    private TypeEntry[] typeCache;
    /** The entry of the last cached type decoded (only types without escapes are cached). */
    private TypeEntry lastType;
    private long fastPathFrames;
    /** Bytes offered to {@link #parseShapeAhead} (an upper bound of what it scanned), for tests. */
    private long parseAheadBytes;
    /** Set by scanString when it meets an escape (reset by callers that care). */
    private boolean sawEscape;
    /** Set once the first byte of the stream was seen (see {@link #refusePreamble}). */
    private boolean started;
    /** What {@link #refusePreamble} reports; see {@link #decidedBeforeFirstByte}. */
    private String preambleReason = FrameSink.WIRE_PROTO_REASON;

    // result of parse()
    private String frameType;
    private int dataFrom;
    private int dataTo;
    // jipc's request/response keys, relative ranges (-1: absent); the last of a repeated key wins
    private int idFrom = -1;
    private int idTo;
    private int reFrom = -1;
    private int reTo;
    private int errFrom = -1;
    private int errTo;

    /**
     * Creates a decoder.
     *
     * @param delimiter frame delimiter, non-empty (node-ipc's default is {@code 0x0C})
     * @param maxFrameBytes largest accepted frame in bytes, delimiter excluded (positive)
     * @param factory creates the parsers that validate frames; must be a JSON factory whose byte parsers are
     *     Jackson's UTF-8 parser (the default; turning off {@code CANONICALIZE_FIELD_NAMES} is not supported)
     */
    public JsonFrameDecoder(byte[] delimiter, int maxFrameBytes, JsonFactory factory) {
        this(delimiter, maxFrameBytes, factory, true);
    }

    /**
     * Creates a decoder, optionally without the fast path (every frame then goes through Jackson), for tests.
     *
     * @param delimiter frame delimiter, non-empty
     * @param maxFrameBytes largest accepted frame in bytes, delimiter excluded (positive)
     * @param factory creates the parsers that validate frames, as for the public constructor
     * @param fastPath whether to try the hand-written scanner before Jackson
     */
    JsonFrameDecoder(byte[] delimiter, int maxFrameBytes, JsonFactory factory, boolean fastPath) {
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
        this.fastPath = requireUtf8ByteParser(factory) && fastPath;
        this.parseAhead = this.fastPath && d0 >= 0 && d0 < 0x20 && d0 != '\t' && d0 != '\n' && d0 != '\r';
    }

    /**
     * Byte offsets are only available from Jackson's UTF-8 byte parser, which some factory settings turn off.
     *
     * @return whether the parser is exactly Jackson's (a subclass might validate differently than the fast path)
     */
    private static boolean requireUtf8ByteParser(JsonFactory factory) {
        byte[] probe = {'{', '}'};
        try (JsonParser p = factory.createParser(probe, 0, probe.length)) {
            if (p instanceof UTF8StreamJsonParser) {
                return p.getClass() == UTF8StreamJsonParser.class;
            }
            throw new IllegalArgumentException("factory must create UTF-8 byte parsers (a JSON factory with "
                    + "CANONICALIZE_FIELD_NAMES enabled), got " + p.getClass().getName());
        } catch (IOException e) {
            throw new IllegalArgumentException("factory cannot create parsers", e);
        }
    }

    /**
     * At the start of the stream: a peer in jipc's protobuf mode sends the preamble {@code 8F 6A 69 70 63} first, and
     * its lead byte, a UTF-8 continuation byte, begins no JSON text. Such a connection would otherwise wait for a
     * delimiter that never comes (and end as a truncated frame); it is refused on that first byte, saying what the
     * peer speaks. Deciding on the first byte alone keeps the events the same however the stream is split into reads.
     *
     * @return true when the stream was refused (the decoder is finished)
     */
    private boolean refusePreamble(ByteBuffer src, FrameSink sink) {
        if (src.get(src.position()) != ProtoFrameDecoder.MAGIC0 || d0 == ProtoFrameDecoder.MAGIC0) {
            return false; // (a delimiter starting with that byte: the stream may well begin with it)
        }
        sink.onMalformed(IpcException.EWIRE, preambleReason);
        finished = true;
        return true;
    }

    /**
     * Marks this decoder as an AUTO server connection's, taken as JSON because no byte came within
     * {@code wireDetectTimeout}: a protobuf preamble arriving first after that is refused with
     * {@link FrameSink#LATE_PREAMBLE_REASON} (the server may already have written JSON to it) rather than as a
     * JSON-only endpoint's.
     */
    @Override
    public void decidedBeforeFirstByte() {
        preambleReason = FrameSink.LATE_PREAMBLE_REASON;
    }

    /** One heap buffer's complete frames in place, else one chunk through the buffer (heap or direct input). */
    @Override
    protected void step(ByteBuffer src, FrameSink sink) {
        if (!started) {
            started = true;
            if (refusePreamble(src, sink)) {
                return;
            }
        }
        if (len == 0 && !discarding && src.hasArray()) {
            scanInPlace(src, sink);
            if (finished || !src.hasRemaining()) {
                return;
            }
        }
        bufferedStep(src, sink);
    }

    @Override
    protected void release() {
        buf = null;
        len = 0;
    }

    @Override
    protected void afterDecode() {
        trimBuffer();
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
     * Capacity of the internal buffer, for tests.
     *
     * @return the capacity in bytes, 0 when no buffer is held
     */
    int bufferCapacity() {
        return buf == null ? 0 : buf.length;
    }

    /**
     * Number of frames the fast path has accepted, for tests.
     *
     * @return the count since construction
     */
    long fastPathFrames() {
        return fastPathFrames;
    }

    /**
     * Bytes the decoder offered to the look-ahead validation of node-ipc-shaped frames, for tests.
     *
     * @return the count since construction
     */
    long parseAheadBytes() {
        return parseAheadBytes;
    }

    /** Dispatches the complete frames of a heap buffer in place; leaves the incomplete tail in {@code src}. */
    private void scanInPlace(ByteBuffer src, FrameSink sink) {
        final byte[] a = src.array();
        final int base = src.arrayOffset();
        int pos = base + src.position();
        final int end = base + src.limit();
        int p;
        while ((p = frameEnd(a, pos, pos, end)) >= 0) {
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
            malformed(sink, IpcException.EFRAMETOOLARGE, oversizeReason());
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
        final int fresh = len; // frames starting here or later are scanned for the first time
        while ((p = discarding || start < fresh ? indexOf(buf, Math.max(scanFrom, start), end)
                : frameEnd(buf, start, start, end)) >= 0) {
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
            malformed(sink, IpcException.EFRAMETOOLARGE, oversizeReason());
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

    /**
     * Where the frame starting at {@code start} ends: the index of the first delimiter at or after {@code from}, or
     * -1. A frame of node-ipc's exact shape is validated on the way when {@link #parseAhead} allows it, which saves
     * a second pass over its bytes ({@link #parsedAhead} then says so). Callers use it only for a frame whose bytes
     * were not scanned before, so a large frame arriving in many reads is not validated again with each of them.
     */
    private int frameEnd(byte[] a, int start, int from, int to) {
        if (parseAhead && to - start >= 20 && (long) LONGS.get(a, start) == TYPE_KEY && a[start + 8] == '"') {
            int p = parseShapeAhead(a, start, to);
            if (p >= 0) {
                return p;
            }
        }
        return indexOf(a, from, to);
    }

    /** @return the index of the delimiter right after a valid {"type":"...","data":...} at {@code s}, or -1 */
    private int parseShapeAhead(byte[] a, int s, int to) {
        if (!fastPathUsable() || fastMaxDepth < 1 || maxNameLength < 4) {
            return -1;
        }
        parseAheadBytes += to - s;
        final int de = shapeEnd(a, s, to);
        if (de < 0) {
            return -1;
        }
        final int p = de + 1;
        if (to - p < dlen || p - s > maxFrameBytes) {
            return -1;
        }
        for (int j = 0; j < dlen; j++) {
            if (a[p + j] != delim[j]) {
                return -1;
            }
        }
        idFrom = -1;
        reFrom = -1;
        errFrom = -1;
        if (!acceptShape(a, s, de)) {
            return -1;
        }
        fastPathFrames++;
        parsedAhead = true;
        return p;
    }

    /**
     * Validates node-ipc's exact frame shape <code>{"type":"...","data":...}</code> at {@code s}, whose first nine
     * bytes the caller matched, looking no further than {@code to}.
     *
     * @return the index of the closing brace (the type's end is left in {@link #shapeTypeEnd}), or -1
     */
    private int shapeEnd(byte[] a, int s, int to) {
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

    private int indexOf(byte[] a, int from, int to) {
        final byte first = d0;
        if (dlen == 1) {
            return indexOfByte(a, from, to, first);
        }
        final byte[] d = delim;
        final int last = to - dlen;
        outer:
        for (int i = from; i <= last; i++) {
            i = indexOfByte(a, i, last + 1, first);
            if (i < 0) {
                return -1;
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

    /** Index of the first {@code b} in {@code a[from, to)}, or -1; eight bytes at a time. */
    static int indexOfByte(byte[] a, int from, int to, byte b) {
        int i = from;
        final long pattern = ONES * (b & 0xFF);
        for (final int last = to - 8; i <= last; i += 8) {
            long x = (long) LONGS.get(a, i) ^ pattern;
            long zero = (x - ONES) & ~x & HIGHS;
            if (zero != 0) {
                // borrows only run upwards from a zero byte, so the lowest flag marks the first b
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
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

    private void malformed(FrameSink sink, String code, String reason) {
        if (!sink.onMalformed(code, reason)) {
            finished = true;
        }
    }

    private void dispatch(byte[] a, int off, int flen, FrameSink sink) {
        if (flen == 0) {
            return; // node-ipc drops empty pieces between delimiters
        }
        if (flen > maxFrameBytes) {
            malformed(sink, IpcException.EFRAMETOOLARGE, oversizeReason());
            return;
        }
        String reason = parsedAhead ? null : parse(a, off, flen);
        parsedAhead = false;
        if (reason != null) {
            malformed(sink, IpcException.EMALFORMED, reason);
            return;
        }
        byte[] data = dataFrom < 0 ? null : Arrays.copyOfRange(a, off + dataFrom, off + dataTo);
        String type = frameType;
        frameType = null;
        if (idFrom < 0 && reFrom < 0 && errFrom < 0) {
            sink.onFrame(type, data);
            return;
        }
        long id = idFrom < 0 ? 0 : correlationId(a, off + idFrom, off + idTo);
        long re = reFrom < 0 ? 0 : correlationId(a, off + reFrom, off + reTo);
        byte[] error = errFrom < 0 ? null : Arrays.copyOfRange(a, off + errFrom, off + errTo);
        sink.onFrame(type, data, id, re, error);
    }

    /** Why a frame with {@code "type":""} is refused. */
    static final String EMPTY_TYPE = "frame type is empty (a type is required: proto/README.md, section 1)";

    /** Largest request id: 2^53-1, exact in JavaScript. */
    static final long MAX_CORRELATION_ID = (1L << 53) - 1;

    /**
     * @return the value of a JSON number token that is an integer 1 .. 2^53-1 written in plain digits (a validated
     *     token spanning {@code [from, to)}), else 0 (not a request id: the key is then ignored)
     */
    static long correlationId(byte[] a, int from, int to) {
        int n = to - from;
        if (n < 1 || n > 16 || a[from] == '0') {
            return 0;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                return 0;
            }
            v = v * 10 + d;
        }
        return v <= MAX_CORRELATION_ID ? v : 0;
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
        idFrom = -1;
        reFrom = -1;
        errFrom = -1;
        if (fastPath && fastPathUsable() && fastParse(a, off, flen)) {
            fastPathFrames++;
            return null;
        }
        return parseWithJackson(a, off, flen);
    }

    /** The Jackson path of {@link #parse}: validates any frame and explains what is wrong with it. */
    private String parseWithJackson(byte[] a, int off, int flen) {
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
                    } else if ("id".equals(name)) {
                        idFrom = offset(p.currentTokenLocation());
                        idTo = valueEnd(p, v, a, off, flen, idFrom);
                    } else if ("re".equals(name)) {
                        reFrom = offset(p.currentTokenLocation());
                        reTo = valueEnd(p, v, a, off, flen, reFrom);
                    } else if ("error".equals(name)) {
                        errFrom = offset(p.currentTokenLocation());
                        errTo = valueEnd(p, v, a, off, flen, errFrom);
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
        } catch (StreamConstraintsException e) {
            return e.getMessage() != null && e.getMessage().contains("nesting depth") ? tooDeep(e) : describe(e);
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
        if (type.isEmpty()) {
            return EMPTY_TYPE;
        }
        int lone = loneSurrogate(a, off, flen);
        if (lone >= 0) {
            return "malformed JSON frame: lone surrogate " + new String(a, off + lone, 6, StandardCharsets.US_ASCII)
                    + " at byte " + lone + " (not Unicode text; a protobuf peer could not receive it)";
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

    /** The reason for a frame nested deeper than the factory allows, in terms of its data (the envelope is 1). */
    private String tooDeep(StreamConstraintsException e) {
        JsonLocation loc = e.getLocation();
        return "malformed JSON frame: data nested deeper than " + (factory.streamReadConstraints().getMaxNestingDepth()
                - 1) + " levels (nesting depth limit of both codecs: proto/README.md, section 7)"
                + (loc != null && loc.getByteOffset() >= 0 ? " at byte " + loc.getByteOffset() : "");
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
                    idFrom = vs - off;
                    idTo = i - off;
                } else if (kind == 4) {
                    reFrom = vs - off;
                    reTo = i - off;
                } else if (kind == 5) {
                    errFrom = vs - off;
                    errTo = i - off;
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
        frameType = type;
        dataFrom = from < 0 ? -1 : from - off;
        dataTo = from < 0 ? -1 : to - off;
        return true;
    }

    /** The decoded type from its validated raw content, via the cache; null to let Jackson decode it. */
    private String fastType(byte[] a, int rs, int re) {
        int rlen = re - rs;
        TypeEntry last = lastType;
        if (last != null && sameBytes(last.raw, a, rs, rlen)) {
            return last.value; // a stream of one event type: no hash, no escape scan
        }
        boolean escaped = false;
        int h = 1;
        for (int i = rs; i < re; i++) {
            byte b = a[i];
            h = 31 * h + b;
            escaped |= b == '\\';
        }
        if (rlen > MAX_CACHED_TYPE_BYTES) {
            return escaped || rlen > maxStringLength ? null : new String(a, rs, rlen, StandardCharsets.UTF_8);
        }
        TypeEntry[] cache = typeCache;
        if (cache == null) {
            cache = typeCache = new TypeEntry[TYPE_CACHE_SIZE];
        }
        int slot = (h ^ (h >>> 16)) & (TYPE_CACHE_SIZE - 1);
        TypeEntry e = cache[slot];
        if (e != null && e.hash == h && sameBytes(e.raw, a, rs, rlen)) {
            lastType = e;
            return e.value;
        }
        if (escaped || rlen > maxStringLength) {
            return null; // Jackson decodes the escapes (and caches the result)
        }
        String s = new String(a, rs, rlen, StandardCharsets.UTF_8); // valid UTF-8: decodes exactly like Jackson
        cache[slot] = lastType = new TypeEntry(h, Arrays.copyOfRange(a, rs, re), s);
        return s;
    }

    /** Whether {@code raw} equals {@code a[from, from + n)}; a plain loop, as types are short. */
    static boolean sameBytes(byte[] raw, byte[] a, int from, int n) {
        if (raw.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (raw[i] != a[from + i]) {
                return false;
            }
        }
        return true;
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
                i = scanUtf8(a, i, end, b & 0xFF);
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
        while ((i = indexOfByte(a, i, end, (byte) '\\')) >= 0) {
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

    /** Validates the multi-byte UTF-8 sequence led by {@code b0} at {@code i}; returns the index after it, or -1. */
    static int scanUtf8(byte[] a, int i, int end, int b0) {
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            n = 1;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            n = 2;
            if (b0 == 0xE0) {
                lo = 0xA0; // overlong
            } else if (b0 == 0xED) {
                hi = 0x9F; // surrogates
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            n = 3;
            if (b0 == 0xF0) {
                lo = 0x90; // overlong
            } else if (b0 == 0xF4) {
                hi = 0x8F; // past U+10FFFF
            }
        } else {
            return -1;
        }
        if (end - i <= n) {
            return -1;
        }
        int b1 = a[i + 1] & 0xFF;
        if (b1 < lo || b1 > hi) {
            return -1;
        }
        for (int k = 2; k <= n; k++) {
            if ((a[i + k] & 0xC0) != 0x80) {
                return -1;
            }
        }
        return i + n + 1;
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
