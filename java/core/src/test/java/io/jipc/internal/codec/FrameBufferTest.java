package io.jipc.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameBufferTest {

    @Test
    void shouldGrowAndKeepContent() {
        FrameBuffer b = new FrameBuffer(0);
        for (int i = 0; i < 1000; i++) {
            b.append(new byte[] {(byte) i, (byte) (i >> 8)});
        }
        assertEquals(2000, b.length());
        byte[] out = b.toByteArray();
        assertEquals(2000, out.length);
        assertEquals((byte) 999, out[1998]);
        assertEquals((byte) (999 >> 8), out[1999]);
    }

    @Test
    void shouldAppendSliceAndReset() {
        FrameBuffer b = new FrameBuffer(4);
        b.append(new byte[] {1, 2, 3, 4, 5}, 1, 3);
        assertArrayEquals(new byte[] {2, 3, 4}, b.toByteArray());
        byte[] arr = b.array();
        b.reset();
        assertEquals(0, b.length());
        assertSame(arr, b.array(), "reset keeps the array");
        assertThrows(IndexOutOfBoundsException.class, () -> b.append(new byte[2], 1, 2));
    }

    @Test
    void shouldEnsureRoomForAdditionalBytes() {
        FrameBuffer b = new FrameBuffer(8);
        b.append(new byte[6]);
        b.ensure(100);
        assertTrue(b.array().length >= 106);
        byte[] arr = b.array();
        b.append(new byte[100]);
        assertSame(arr, b.array(), "no reallocation after ensure");
        assertThrows(IllegalArgumentException.class, () -> b.ensure(-1));
    }
}
