package io.jipc.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte-array helpers the decoders of several codecs share: eight bytes at a time, byte-range comparison and strict
 * UTF-8 validation of one multi-byte sequence. Stateless.
 */
public final class ByteScan {
    /** Eight bytes of an array at a time, little-endian. */
    public static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ByteScan() {
    }

    /**
     * Whether {@code raw} equals {@code a[from, from + n)}; a plain loop, for short ranges such as event types.
     *
     * @param raw the bytes to compare with
     * @param a the array
     * @param from where the range starts in {@code a}
     * @param n the range's length
     * @return true when they are equal
     */
    public static boolean sameBytes(byte[] raw, byte[] a, int from, int n) {
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

    /**
     * Validates the multi-byte UTF-8 sequence led by {@code b0} at {@code i} (strict: no overlong forms, surrogates
     * or code points past U+10FFFF).
     *
     * @param a the array
     * @param i the index of the lead byte
     * @param end the end of the valid range
     * @param b0 the lead byte, as an unsigned value
     * @return the index after the sequence, or -1 when it is not valid
     */
    public static int scanUtf8(byte[] a, int i, int end, int b0) {
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
}
