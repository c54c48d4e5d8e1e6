package io.jipc.internal.codec;

import java.util.Arrays;

/**
 * Minimal growable byte buffer that frames are encoded into, e.g. to batch several frames into one write.
 * The valid bytes are {@code array()[0 .. length())}. Not thread-safe.
 */
public final class FrameBuffer {

    private static final int DEFAULT_CAPACITY = 256;
    /** Largest array size the JVMs we run on reliably allocate. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private byte[] bytes;
    private int length;

    /** Creates an empty buffer with a small initial capacity. */
    public FrameBuffer() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * Creates an empty buffer.
     *
     * @param initialCapacity initial capacity in bytes (0 or more)
     */
    public FrameBuffer(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity < 0: " + initialCapacity);
        }
        bytes = new byte[initialCapacity];
    }

    /**
     * Appends all of {@code src}.
     *
     * @param src bytes to append
     */
    public void append(byte[] src) {
        append(src, 0, src.length);
    }

    /**
     * Appends {@code len} bytes of {@code src} starting at {@code off}.
     *
     * @param src source array
     * @param off first byte to append
     * @param len number of bytes to append
     */
    public void append(byte[] src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        ensure(len);
        System.arraycopy(src, off, bytes, length, len);
        length += len;
    }

    /**
     * Ensures room for at least {@code additional} more bytes after {@code length()} without another reallocation.
     *
     * @param additional number of bytes about to be appended (0 or more)
     */
    public void ensure(int additional) {
        if (additional < 0) {
            throw new IllegalArgumentException("additional < 0: " + additional);
        }
        long need = (long) length + additional;
        if (need <= bytes.length) {
            return;
        }
        if (need > MAX_ARRAY) {
            throw new OutOfMemoryError("FrameBuffer cannot grow to " + need + " bytes");
        }
        long cap = Math.max(need, Math.max(DEFAULT_CAPACITY, (long) bytes.length * 2));
        bytes = Arrays.copyOf(bytes, (int) Math.min(cap, MAX_ARRAY));
    }

    /**
     * The backing array; valid bytes are {@code [0, length())}. The array changes when the buffer grows.
     *
     * @return the current backing array (not a copy)
     */
    public byte[] array() {
        return bytes;
    }

    /**
     * Number of valid bytes.
     *
     * @return the length in bytes
     */
    public int length() {
        return length;
    }

    /** Empties the buffer, keeping its capacity. */
    public void reset() {
        length = 0;
    }

    /**
     * Copies the valid bytes out.
     *
     * @return a new array of {@code length()} bytes
     */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /**
     * Appends one byte.
     *
     * @param b the byte (low 8 bits)
     */
    public void appendByte(int b) {
        if (length == bytes.length) {
            ensure(1);
        }
        bytes[length++] = (byte) b;
    }

    /**
     * Sets the length after writing directly into {@link #array()} (within capacity) or to truncate.
     *
     * @param newLength the new number of valid bytes
     */
    public void setLength(int newLength) {
        if (newLength < 0 || newLength > bytes.length) {
            throw new IndexOutOfBoundsException("length " + newLength + " outside [0, " + bytes.length + "]");
        }
        length = newLength;
    }

    /**
     * Current capacity of the backing array.
     *
     * @return the capacity in bytes
     */
    public int capacity() {
        return bytes.length;
    }
}
