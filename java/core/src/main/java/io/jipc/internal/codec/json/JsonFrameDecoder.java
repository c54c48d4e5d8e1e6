package io.jipc.internal.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import io.jipc.IpcException;
import io.jipc.internal.codec.ByteScan;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.StreamDecoder;
import io.jipc.internal.codec.proto.ProtoFrameDecoder;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
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
 * <p>This class is the framer (buffering, delimiters, limits, dispatch to the sink). Frames are validated with
 * Jackson's streaming parser, without building a tree ({@link JsonFallbackParser}). A hand-written scanner
 * ({@link JsonScanner}) first tries each frame: it accepts only strict JSON envelopes it can fully validate itself
 * (UTF-8, escapes, number grammar, structure, the factory's limits) and hands everything else, including every
 * invalid frame, to Jackson, so results and error messages are the same either way. Both share a cache of recent
 * event types ({@link JsonTypeCache}). Invalid UTF-8 is reported as
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
    /** Eight bytes of an array at a time, little-endian. */
    private static final VarHandle LONGS = ByteScan.LONGS;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    /** The bytes <code>{"type":</code> as read by {@link #LONGS}. */
    private static final long TYPE_KEY = (long) LONGS.get("{\"type\":".getBytes(StandardCharsets.US_ASCII), 0);

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
    /** Set by {@link #frameEnd} when it validated the frame it returns the end of (the fields of parse() are set). */
    private boolean parsedAhead;

    private byte[] buf;
    private int len;
    private boolean discarding;
    /** Validates frames without Jackson and holds what they were taken apart into (the hot path). */
    private final JsonScanner scanner;
    /** Validates, with Jackson, what the scanner did not accept; explains invalid frames. */
    private final JsonFallbackParser fallback;
    /** What the scanner or the fallback found in the frame being decoded. */
    private final JsonFrameFields fields = new JsonFrameFields();
    private long fastPathFrames;
    /** Bytes offered to {@link #parseShapeAhead} (an upper bound of what it scanned), for tests. */
    private long parseAheadBytes;
    /** Set once the first byte of the stream was seen (see {@link #refusePreamble}). */
    private boolean started;
    /** What {@link #refusePreamble} reports; see {@link #decidedBeforeFirstByte}. */
    private String preambleReason = FrameSink.WIRE_PROTO_REASON;

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
        JsonTypeCache types = new JsonTypeCache();
        this.scanner = new JsonScanner(factory, types, fields);
        this.fallback = new JsonFallbackParser(factory, types, fields);
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

    /**
     * Keeps the last {@code dlen - 1} bytes before {@code end}: they may begin the delimiter ending a discarded frame.
     */
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
        final JsonScanner sc = scanner;
        if (!sc.shapeUsable()) {
            return -1;
        }
        parseAheadBytes += to - s;
        final int de = sc.shapeEnd(a, s, to);
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
        if (!sc.acceptShapeAhead(a, s, de)) {
            return -1;
        }
        fastPathFrames++;
        parsedAhead = true;
        return p;
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
        final JsonFrameFields r = fields;
        byte[] data = r.dataFrom < 0 ? null : Arrays.copyOfRange(a, off + r.dataFrom, off + r.dataTo);
        String type = r.frameType;
        r.frameType = null;
        if (r.idFrom < 0 && r.reFrom < 0 && r.errFrom < 0) {
            sink.onFrame(type, data, JsonPayload.TEXT, 0, 0, null);
            return;
        }
        long id = r.idFrom < 0 ? 0 : correlationId(a, off + r.idFrom, off + r.idTo);
        long re = r.reFrom < 0 ? 0 : correlationId(a, off + r.reFrom, off + r.reTo);
        byte[] error = r.errFrom < 0 ? null : Arrays.copyOfRange(a, off + r.errFrom, off + r.errTo);
        sink.onFrame(type, data, JsonPayload.TEXT, id, re, error);
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
        if (fastPath && scanner.parse(a, off, flen)) {
            fastPathFrames++;
            return null;
        }
        return fallback.parse(a, off, flen);
    }
}
