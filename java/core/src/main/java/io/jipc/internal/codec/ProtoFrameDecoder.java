package io.jipc.internal.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jipc.proto.v1.Envelope;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

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
public final class ProtoFrameDecoder implements FrameDecoder {
    /** Protocol version this decoder speaks (the preamble's last byte). */
    public static final int VERSION = 1;
    /** The client's connection preamble: magic {@code 8F 'j' 'i' 'p' 'c'}, then the version. */
    private static final byte[] PREAMBLE = {(byte) 0x8F, 'j', 'i', 'p', 'c', (byte) VERSION};
    /** First byte of the preamble: a UTF-8 continuation byte, which no JSON text can start with. */
    public static final byte MAGIC0 = (byte) 0x8F;
    /** Most varint bytes accepted for a length (a 32-bit value). */
    static final int MAX_VARINT_BYTES = 5;
    /** Protobuf message nesting accepted: about 200 levels of JSON nesting inside {@code data}. */
    static final int RECURSION_LIMIT = 600;
    /** First allocation for a body that did not arrive whole. */
    static final int INITIAL_CAPACITY = 4096;

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
    private boolean finished;
    private boolean decoding;

    /**
     * @param maxFrameBytes largest Envelope accepted, in bytes (positive)
     * @param expectPreamble true on the accepting side of a stream (the client sends the preamble first)
     */
    public ProtoFrameDecoder(int maxFrameBytes, boolean expectPreamble) {
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
                if (preambleLeft > 0) {
                    preambleByte(src.get(), sink);
                } else if (bodyLength < 0) {
                    varintByte(src.get(), sink);
                } else {
                    bodyBytes(src, sink);
                }
            }
            normal = true;
        } finally {
            decoding = false;
            if (!normal) {
                finished = true;
            }
            if (finished) {
                src.position(src.limit());
                body = null;
            }
        }
    }

    private void preambleByte(byte b, FrameSink sink) {
        int i = PREAMBLE.length - preambleLeft;
        if (i == PREAMBLE.length - 1) {
            if (b != PREAMBLE[i]) {
                stop(sink, "unsupported jipc preamble version " + (b & 0xff) + " (this side speaks version "
                        + VERSION + ")");
                return;
            }
        } else if (b != PREAMBLE[i]) {
            stop(sink, i == 0 ? String.format("expected the jipc preamble (8f 6a 69 70 63 01), got first byte 0x%02x",
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
                stop(sink, "malformed envelope length: varint longer than " + MAX_VARINT_BYTES + " bytes");
            }
            return;
        }
        long n = length;
        length = 0;
        headerBytes = varintBytes;
        varintBytes = 0;
        if (n > maxFrameBytes) {
            stop(sink, "envelope of " + n + " bytes exceeds maxFrameBytes (" + maxFrameBytes + " bytes)");
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
        if (filled == 0 && src.hasArray() && src.remaining() >= need) {
            int p = src.position();
            src.position(p + need);
            complete(src.array(), src.arrayOffset() + p, sink);
            return;
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
        Envelope env;
        try {
            env = parse(a, off, n);
        } catch (InvalidProtocolBufferException e) {
            malformed(sink, "malformed envelope: " + e.getMessage());
            return;
        }
        if (env.getType().isEmpty()) {
            malformed(sink, "malformed envelope: no type");
            return;
        }
        sink.onEnvelope(env);
    }

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
        in.setRecursionLimit(RECURSION_LIMIT);
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

    private void malformed(FrameSink sink, String reason) {
        if (!sink.onMalformed(reason)) {
            finished = true;
        }
    }

    private void stop(FrameSink sink, String reason) {
        sink.onMalformed(reason);
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
                sink.onMalformed("truncated datagram: incomplete jipc preamble (datagram dropped)");
                return;
            }
            if (a[i] != PREAMBLE[i]) {
                sink.onMalformed((i == PREAMBLE.length - 1 ? "unsupported jipc preamble version " + (a[i] & 0xff)
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
                sink.onMalformed("truncated datagram: no complete envelope length after the preamble (datagram "
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
                sink.onMalformed("malformed envelope length: varint longer than " + MAX_VARINT_BYTES
                        + " bytes (datagram dropped)");
                return;
            }
        }
        if (len > maxFrameBytes) {
            sink.onMalformed("envelope of " + len + " bytes exceeds maxFrameBytes (" + maxFrameBytes
                    + " bytes) (datagram dropped)");
            return;
        }
        if (len > n - i) {
            sink.onMalformed("truncated datagram: the envelope length says " + len + " bytes, " + (n - i)
                    + " follow (datagram dropped)");
            return;
        }
        if (len < n - i) {
            sink.onMalformed((n - i - len) + " bytes after the envelope (one envelope per datagram; datagram "
                    + "dropped)");
            return;
        }
        Envelope env;
        try {
            env = parse(a, i, (int) len);
        } catch (InvalidProtocolBufferException e) {
            sink.onMalformed("malformed envelope: " + e.getMessage() + " (datagram dropped)");
            return;
        }
        if (env.getType().isEmpty()) {
            sink.onMalformed("malformed envelope: no type (datagram dropped)");
            return;
        }
        sink.onEnvelope(env);
    }

    @Override
    public int pendingBytes() {
        if (preambleLeft > 0) {
            return PREAMBLE.length - preambleLeft;
        }
        return varintBytes + (bodyLength >= 0 ? headerBytes + filled : 0);
    }

    @Override
    public boolean isFinished() {
        return finished;
    }
}
