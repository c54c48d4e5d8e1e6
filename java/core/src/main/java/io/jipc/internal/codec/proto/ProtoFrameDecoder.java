package io.jipc.internal.codec.proto;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jipc.IpcException;
import io.jipc.internal.codec.ByteScan;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.StreamDecoder;
import io.jipc.proto.v1.Envelope;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Incremental decoder of the protobuf wire mode ({@code proto/README.md}): optionally the 6-byte preamble, then
 * length-delimited {@code jipc.v1.Envelope}s. Any split of the byte stream gives the same calls.
 *
 * <p>Memory stays bounded: a varint length over maxFrameBytes is reported as soon as the varint is complete, before
 * any of the body is read, and the body buffer grows with the bytes actually received (never to the claimed size up
 * front). A body that arrived whole inside a heap buffer is parsed in place.
 *
 * <p>Framing errors (bad preamble, unknown version, over-long varint, oversize length) always finish the decoder;
 * a body that does not parse is skipped when the sink asks to (the framing is intact).
 */
public final class ProtoFrameDecoder extends StreamDecoder {
    /** Protocol version this decoder speaks (the preamble's last byte). */
    public static final int VERSION = 1;
    /** The client's connection preamble: magic {@code 8F 'j' 'i' 'p' 'c'}, then the version. */
    private static final byte[] PREAMBLE = {(byte) 0x8F, 'j', 'i', 'p', 'c', (byte) VERSION};
    /** First byte of the preamble: a UTF-8 continuation byte, which no JSON text can start with. */
    public static final byte MAGIC0 = (byte) 0x8F;
    /** Most varint bytes accepted for a length (a 32-bit value). */
    static final int MAX_VARINT_BYTES = 5;
    /** First allocation for a body that did not arrive whole. */
    static final int INITIAL_CAPACITY = 4096;
    /** Largest body copied into the reused scratch array (larger ones get their own). */
    private static final int SCRATCH_MAX = 64 * 1024;

    private final int maxFrameBytes;
    /** Preamble bytes still expected (0: none or done). */
    private int preambleLeft;
    private long length;
    private int varintBytes;
    /** Varint bytes of the frame whose body is being collected. */
    private int headerBytes;
    /** -1 while reading a length, else the body length being collected. */
    private int bodyLength = -1;
    private byte[] body;
    private int filled;
    /** Whether envelopes of the common shape are taken apart by hand ({@link #fastComplete}) before protobuf-java. */
    private final boolean fastPath;
    /** Reused for a body that arrived whole in a direct buffer (sinks never keep the array). */
    private byte[] scratch;
    /** The last event type decoded by the fast path: its bytes and its String. */
    private byte[] lastTypeRaw;
    private String lastType;
    /** Frames the fast path dispatched, for tests. */
    private long fastPathFrames;

    /**
     * @param maxFrameBytes largest Envelope accepted, in bytes (positive)
     * @param expectPreamble true on the accepting side of a stream (the client sends the preamble first)
     */
    public ProtoFrameDecoder(int maxFrameBytes, boolean expectPreamble) {
        this(maxFrameBytes, expectPreamble, true);
    }

    /**
     * @param maxFrameBytes largest Envelope accepted, in bytes (positive)
     * @param expectPreamble true on the accepting side of a stream
     * @param fastPath false to parse every envelope with protobuf-java (for tests that compare the two)
     */
    ProtoFrameDecoder(int maxFrameBytes, boolean expectPreamble, boolean fastPath) {
        this.fastPath = fastPath;
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.preambleLeft = expectPreamble ? PREAMBLE.length : 0;
    }

    /** @return a copy of the preamble a proto client sends first */
    public static byte[] preamble() {
        return PREAMBLE.clone();
    }

    @Override
    protected void step(ByteBuffer src, FrameSink sink) {
        if (preambleLeft > 0) {
            preambleByte(src.get(), sink);
        } else if (bodyLength < 0) {
            varintByte(src.get(), sink);
        } else {
            bodyBytes(src, sink);
        }
    }

    @Override
    protected void release() {
        body = null;
    }

    private void preambleByte(byte b, FrameSink sink) {
        int i = PREAMBLE.length - preambleLeft;
        if (i == PREAMBLE.length - 1) {
            if (b != PREAMBLE[i]) {
                stop(sink, IpcException.EVERSION,
                        "unsupported jipc preamble version " + (b & 0xff) + " (this side speaks version "
                        + VERSION + ")");
                return;
            }
        } else if (b != PREAMBLE[i]) {
            stop(sink, IpcException.EMALFORMED,
                    i == 0 ? String.format("expected the jipc preamble (8f 6a 69 70 63 01), got first byte 0x%02x",
                    b & 0xff) : String.format("bad jipc preamble: byte %d is 0x%02x, expected 0x%02x", i, b & 0xff,
                    PREAMBLE[i] & 0xff));
            return;
        }
        preambleLeft--;
    }

    private void varintByte(byte b, FrameSink sink) {
        length |= (long) (b & 0x7f) << (7 * varintBytes);
        varintBytes++;
        if ((b & 0x80) != 0) {
            if (varintBytes >= MAX_VARINT_BYTES) {
                stop(sink, IpcException.EMALFORMED,
                        "malformed envelope length: varint longer than " + MAX_VARINT_BYTES + " bytes");
            }
            return;
        }
        long n = length;
        length = 0;
        headerBytes = varintBytes;
        varintBytes = 0;
        if (n > maxFrameBytes) {
            stop(sink, IpcException.EFRAMETOOLARGE,
                    "envelope of " + n + " bytes exceeds maxFrameBytes (" + maxFrameBytes + " bytes)");
            return;
        }
        bodyLength = (int) n;
        filled = 0;
        if (n == 0) {
            complete(new byte[0], 0, sink);
        }
    }

    private void bodyBytes(ByteBuffer src, FrameSink sink) {
        int need = bodyLength - filled;
        if (filled == 0 && src.remaining() >= need) {
            int p = src.position();
            if (src.hasArray()) {
                src.position(p + need);
                complete(src.array(), src.arrayOffset() + p, sink);
                return;
            }
            if (need <= SCRATCH_MAX) {
                // whole in a direct buffer: one copy into a reused array, no allocation per frame
                if (scratch == null || scratch.length < need) {
                    scratch = new byte[Math.max(need, 1024)];
                }
                src.get(scratch, 0, need);
                complete(scratch, 0, sink);
                return;
            }
        }
        if (body == null) {
            body = new byte[Math.min(bodyLength, INITIAL_CAPACITY)];
        }
        int n = Math.min(need, src.remaining());
        if (filled + n > body.length) {
            body = Arrays.copyOf(body, (int) Math.min(bodyLength, Math.max((long) body.length * 2, filled + n)));
        }
        src.get(body, filled, n);
        filled += n;
        if (filled == bodyLength) {
            byte[] b = body;
            body = null;
            complete(b, 0, sink);
        }
    }

    private void complete(byte[] a, int off, FrameSink sink) {
        int n = bodyLength;
        bodyLength = -1;
        filled = 0;
        if (fastPath && (fastComplete(a, off, n, sink) || lazyComplete(a, off, n, sink))) {
            return;
        }
        Envelope env;
        try {
            env = parse(a, off, n);
        } catch (InvalidProtocolBufferException e) {
            malformed(sink, IpcException.EMALFORMED, "malformed envelope: " + e.getMessage());
            return;
        }
        String refused = refused(env);
        if (refused != null) {
            malformed(sink, IpcException.EMALFORMED, refused);
            return;
        }
        deliver(ProtoCodec.finite(env), sink);
    }

    /**
     * Hands a parsed (and accepted) envelope to the sink: its payload field's bytes, in the {@link ProtoPayload} of
     * that field, and a failed reply's {@code Error}. An envelope without a payload has no data.
     */
    private static void deliver(Envelope env, FrameSink sink) {
        byte[] payload;
        ProtoPayload format;
        switch (env.getPayloadCase()) {
            case DATA:
                payload = env.getData().toByteArray();
                format = ProtoPayload.VALUE;
                break;
            case TYPED:
                payload = env.getTyped().toByteArray();
                format = ProtoPayload.TYPED;
                break;
            case OPAQUE:
                payload = env.getOpaque().toByteArray();
                format = ProtoPayload.OPAQUE;
                break;
            default:
                payload = null;
                format = ProtoPayload.VALUE;
                break;
        }
        sink.onFrame(env.getType(), payload, format, env.getId(), env.getRe(),
                env.hasError() ? env.getError().toByteArray() : null);
    }

    /**
     * What the schema allows but jipc refuses in both codecs ({@code proto/README.md}, section 7).
     *
     * @return the reason, or null when the envelope is accepted
     */
    private static String refused(Envelope env) {
        if (env.getType().isEmpty()) {
            return "malformed envelope: no type";
        }
        if (env.hasData() && ProtoCodec.depth(env.getData()) > ProtoCodec.MAX_DATA_DEPTH) {
            return TOO_DEEP;
        }
        return null;
    }

    /** Why an envelope whose data nests too deeply is refused. */
    static final String TOO_DEEP = "malformed envelope: data nested deeper than " + ProtoCodec.MAX_DATA_DEPTH
            + " levels (nesting depth limit of both codecs: proto/README.md, section 7)";

    /**
     * Parses one Envelope (no length prefix), with the nesting limit; proto3 checks UTF-8 of every string.
     *
     * @param a bytes
     * @param off offset
     * @param len length
     * @return the envelope
     * @throws InvalidProtocolBufferException when it does not parse
     */
    static Envelope parse(byte[] a, int off, int len) throws InvalidProtocolBufferException {
        CodedInputStream in = CodedInputStream.newInstance(a, off, len);
        in.setRecursionLimit(ProtoCodec.RECURSION_LIMIT);
        try {
            Envelope env = Envelope.parseFrom(in, ExtensionRegistryLite.getEmptyRegistry());
            in.checkLastTagWas(0);
            return env;
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
    }

    /**
     * Takes apart an Envelope of the common shape by hand: fields 1 (type), 2 (data, a scalar Value), 5 (id) and 6
     * (re), each at most once except the varints, with one- or two-byte lengths. Anything else, and anything that does
     * not validate, is left to protobuf-java, which then reports exactly what it always reported.
     *
     * @return true when the envelope was dispatched to {@link FrameSink#onFrame}
     */
    private boolean fastComplete(byte[] a, int off, int n, FrameSink sink) {
        final int end = off + n;
        int i = off;
        int ts = -1;
        int tl = 0;
        int vs = -1;
        int vl = 0;
        long id = 0;
        long re = 0;
        while (i < end) {
            int tag = a[i++];
            if (tag == 0x0a || tag == 0x12) { // type = 1, data = 2: length-delimited
                int len = shortLength(a, i, end);
                if (len < 0) {
                    return false;
                }
                i += len < 0x80 ? 1 : 2;
                if (len > end - i) {
                    return false;
                }
                if (tag == 0x0a) {
                    if (ts >= 0) {
                        return false;
                    }
                    ts = i;
                    tl = len;
                } else {
                    if (vs >= 0) {
                        return false; // a repeated message field merges: protobuf-java
                    }
                    vs = i;
                    vl = len;
                }
                i += len;
            } else if (tag == 0x28 || tag == 0x30) { // id = 5, re = 6: varints, the last one wins
                long v = 0;
                int shift = 0;
                while (true) {
                    if (i >= end || shift > 63) {
                        return false;
                    }
                    int b = a[i++];
                    v |= (long) (b & 0x7f) << shift;
                    if (b >= 0) {
                        break;
                    }
                    shift += 7;
                }
                if (tag == 0x28) {
                    id = v;
                } else {
                    re = v;
                }
            } else {
                return false;
            }
        }
        return tl != 0 && vs >= 0 && scalarValue(a, vs, vs + vl) && deliverValue(a, ts, tl, vs, vl, id, re, sink);
    }

    /**
     * Takes apart an Envelope of fields 1 (type), 2 (data), 5 (id) and 6 (re) whose data is any Value, of any size,
     * without building the Value: {@link ProtoCodec#scanValue} validates it in place and the sink gets its bytes, which
     * are parsed only if a handler reads the data. This keeps a large {@code list_value} or {@code struct_value} from
     * costing many times its size on the I/O thread. Anything else, and anything that does not validate, is left to
     * protobuf-java, which then reports exactly what it always reported.
     *
     * @return true when the envelope was dispatched to {@link FrameSink#onFrame}
     */
    private boolean lazyComplete(byte[] a, int off, int n, FrameSink sink) {
        CodedInputStream in = CodedInputStream.newInstance(a, off, n);
        int ts = -1;
        int tl = 0;
        int vs = -1;
        int vl = 0;
        long id = 0;
        long re = 0;
        try {
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == 0x0a || tag == 0x12) {
                    int len = in.readRawVarint32();
                    int at = off + in.getTotalBytesRead();
                    if (len < 0 || len > off + n - at) {
                        return false;
                    }
                    if (tag == 0x0a) {
                        if (ts >= 0) {
                            return false;
                        }
                        ts = at;
                        tl = len;
                    } else {
                        if (vs >= 0) {
                            return false;
                        }
                        vs = at;
                        vl = len;
                    }
                    in.skipRawBytes(len);
                } else if (tag == 0x28) {
                    id = in.readRawVarint64();
                } else if (tag == 0x30) {
                    re = in.readRawVarint64();
                } else {
                    return false;
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return tl != 0 && vs >= 0 && ProtoCodec.scanValue(a, vs, vl) >= 0
                && deliverValue(a, ts, tl, vs, vl, id, re, sink);
    }

    /**
     * The end of both hand-written paths: hands the validated Value's bytes to the sink, unless the type does not
     * decode (then protobuf-java takes the frame).
     *
     * @return true when the frame was delivered
     */
    private boolean deliverValue(byte[] a, int ts, int tl, int vs, int vl, long id, long re, FrameSink sink) {
        String type = type(a, ts, tl);
        if (type == null) {
            return false;
        }
        fastPathFrames++; // counted before the sink runs, so a sink can tell which path gave it the frame
        sink.onFrame(type, Arrays.copyOfRange(a, vs, vs + vl), ProtoPayload.VALUE, id, re, null);
        return true;
    }

    /**
     * A length varint of one or two bytes at {@code i}, in its shortest form, so the caller skips 1 byte for lengths
     * under 128 and 2 for the others.
     *
     * @return the length, or -1 when it is cut off by {@code end}, longer than two bytes (lengths over 16383) or not
     *     in its shortest form: the hand-written path leaves those to protobuf-java
     */
    private static int shortLength(byte[] a, int i, int end) {
        if (i >= end) {
            return -1;
        }
        int len = a[i];
        if (len >= 0) {
            return len;
        }
        if (i + 1 >= end || a[i + 1] <= 0) {
            return -1; // also a padded two-byte form of a length under 128: protobuf-java takes those
        }
        return (len & 0x7f) | (a[i + 1] << 7);
    }

    /** Whether {@code a[s, e)} is a Value holding exactly one scalar field that parses (string, number, bool, null). */
    private static boolean scalarValue(byte[] a, int s, int e) {
        if (s >= e) {
            return false;
        }
        int tag = a[s];
        int i = s + 1;
        switch (tag) {
            case 0x1a: { // string_value = 3
                int len = shortLength(a, i, e);
                if (len < 0) {
                    return false;
                }
                i += len < 0x80 ? 1 : 2;
                return i + len == e && validUtf8(a, i, e);
            }
            case 0x11: // number_value = 2: fixed64; NaN and infinities go the long way, to become null
                return e - s == 9 && ProtoCodec.finite(a, i);
            case 0x08: // null_value = 1
            case 0x20: { // bool_value = 4
                for (int k = 0; k < 10 && i < e; k++) {
                    if (a[i++] >= 0) {
                        return i == e;
                    }
                }
                return false;
            }
            default:
                return false;
        }
    }

    /** Whether {@code a[i, end)} is valid UTF-8 as proto3 requires of strings (no surrogates, no overlongs). */
    static boolean validUtf8(byte[] a, int i, int end) {
        while (i < end) {
            if (end - i >= 8 && ((long) ByteScan.LONGS.get(a, i) & 0x8080808080808080L) == 0) {
                i += 8;
                continue;
            }
            int b = a[i];
            if (b >= 0) {
                i++;
            } else {
                i = ByteScan.scanUtf8(a, i, end, b & 0xff);
                if (i < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** @return the type, reusing the last String when the bytes repeat; null when not valid UTF-8 */
    private String type(byte[] a, int ts, int tl) {
        byte[] last = lastTypeRaw;
        if (last != null && ByteScan.sameBytes(last, a, ts, tl)) {
            return lastType;
        }
        if (!validUtf8(a, ts, ts + tl)) {
            return null;
        }
        String t = new String(a, ts, tl, java.nio.charset.StandardCharsets.UTF_8);
        if (tl <= 256) {
            lastTypeRaw = Arrays.copyOfRange(a, ts, ts + tl);
            lastType = t;
        }
        return t;
    }

    /**
     * Number of frames the hand-written path took apart, for tests.
     *
     * @return the count since construction
     */
    long fastPathFrames() {
        return fastPathFrames;
    }

    private void malformed(FrameSink sink, String code, String reason) {
        if (!sink.onMalformed(code, reason)) {
            finished = true;
        }
    }

    private void stop(FrameSink sink, String code, String reason) {
        sink.onMalformed(code, reason);
        finished = true;
    }

    /**
     * Decodes one UDP datagram: the preamble, then exactly one length-delimited Envelope filling the rest. A datagram
     * with anything wrong (preamble, length, trailing bytes, envelope) is dropped whole and reported.
     *
     * @param datagram the datagram's bytes (consumed)
     * @param maxFrameBytes largest Envelope accepted
     * @param sink receives the envelope or the reason it was refused
     */
    public static void decodeDatagram(ByteBuffer datagram, int maxFrameBytes, FrameSink sink) {
        byte[] a = new byte[datagram.remaining()];
        datagram.get(a);
        int n = a.length;
        int i = 0;
        for (; i < PREAMBLE.length; i++) {
            if (i >= n) {
                sink.onMalformed(IpcException.EMALFORMED,
                        "truncated datagram: incomplete jipc preamble (datagram dropped)");
                return;
            }
            if (a[i] != PREAMBLE[i]) {
                sink.onMalformed(i == PREAMBLE.length - 1 ? IpcException.EVERSION : IpcException.EMALFORMED,
                        (i == PREAMBLE.length - 1 ? "unsupported jipc preamble version " + (a[i] & 0xff)
                        + " (this side speaks version " + VERSION + ")" : String.format(
                        "bad jipc preamble: byte %d is 0x%02x, expected 0x%02x", i, a[i] & 0xff, PREAMBLE[i] & 0xff))
                        + " (datagram dropped)");
                return;
            }
        }
        long len = 0;
        int shift = 0;
        while (true) {
            if (i >= n) {
                sink.onMalformed(IpcException.EMALFORMED,
                        "truncated datagram: no complete envelope length after the preamble (datagram "
                        + "dropped)");
                return;
            }
            byte b = a[i++];
            len |= (long) (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                break;
            }
            if (shift >= 7 * MAX_VARINT_BYTES) {
                sink.onMalformed(IpcException.EMALFORMED,
                        "malformed envelope length: varint longer than " + MAX_VARINT_BYTES
                        + " bytes (datagram dropped)");
                return;
            }
        }
        if (len > maxFrameBytes) {
            sink.onMalformed(IpcException.EFRAMETOOLARGE,
                    "envelope of " + len + " bytes exceeds maxFrameBytes (" + maxFrameBytes
                    + " bytes) (datagram dropped)");
            return;
        }
        if (len > n - i) {
            sink.onMalformed(IpcException.EMALFORMED,
                    "truncated datagram: the envelope length says " + len + " bytes, " + (n - i)
                    + " follow (datagram dropped)");
            return;
        }
        if (len < n - i) {
            sink.onMalformed(IpcException.EMALFORMED,
                    (n - i - len) + " bytes after the envelope (one envelope per datagram; datagram "
                    + "dropped)");
            return;
        }
        Envelope env;
        try {
            env = parse(a, i, (int) len);
        } catch (InvalidProtocolBufferException e) {
            sink.onMalformed(IpcException.EMALFORMED, "malformed envelope: " + e.getMessage() + " (datagram dropped)");
            return;
        }
        String refused = refused(env);
        if (refused != null) {
            sink.onMalformed(IpcException.EMALFORMED, refused + " (datagram dropped)");
            return;
        }
        deliver(ProtoCodec.finite(env), sink);
    }

    @Override
    public int pendingBytes() {
        if (preambleLeft > 0) {
            return PREAMBLE.length - preambleLeft;
        }
        return varintBytes + (bodyLength >= 0 ? headerBytes + filled : 0);
    }
}
