package io.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.Backpressure;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.internal.transport.TestChannel;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Outbound#sendSmall}: a small JSON emit encoded straight into the connection's batch, the same bytes
 * {@code encode} gives; everything it does not take is left to the caller (null), and a frame over the mark meets the
 * backpressure policy.
 */
class OutboundTest {
    private static final Supplier<String> WHO = () -> "test connection";

    /** Writes out everything queued on the channel, as the I/O thread would; counts the queue entries. */
    private static byte[] drain(TestChannel ch, int[] entries) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] b;
        while ((b = ch.writeNext()) != null) {
            entries[0]++;
            all.writeBytes(b);
        }
        return all.toByteArray();
    }

    private static byte[] drain(TestChannel ch) {
        return drain(ch, new int[1]);
    }

    private static IpcRuntime runtime(IpcConfig cfg) {
        return new IpcRuntime(cfg.id("t").validate().copy(), (id, c) -> { });
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void shouldWriteSmallFramesIntoOneBatchAsEncodeWritesThem() {
        IpcRuntime rt = runtime(IpcConfig.defaults());
        TestChannel ch = new TestChannel();
        CompletionStage<Void> a = Outbound.sendSmall(rt, ch, "msg", "hello", WHO, true);
        CompletionStage<Void> b = Outbound.sendSmall(rt, ch, "msg", Boolean.TRUE, WHO, true);
        assertNotNull(a);
        assertSame(a, b, "both appended to the open batch");
        byte[] expected = concat(rt.encoder.encode("msg", "hello"), rt.encoder.encode("msg", Boolean.TRUE));
        int[] entries = new int[1];
        assertArrayEquals(expected, drain(ch, entries));
        assertEquals(1, entries[0], "one queue entry for both");
    }

    @Test
    void shouldLeaveOtherFramesAndModesToTheUsualPath() {
        TestChannel ch = new TestChannel();
        IpcRuntime rt = runtime(IpcConfig.defaults());
        assertNull(Outbound.sendSmall(rt, ch, "msg", 42, WHO, true), "not a small kind: the caller encodes it");
        assertNull(Outbound.sendSmall(rt, ch, "msg", "tab\t", WHO, true), "escapes: the caller encodes it");
        assertNull(Outbound.sendSmall(rt, ch, null, "x", WHO, true), "the caller reports the null type");
        assertNull(Outbound.sendSmall(runtime(IpcConfig.defaults().rawBuffer(true)), ch, "msg", "x", WHO, true));
        assertNull(Outbound.sendSmall(runtime(IpcConfig.defaults().backpressure(Backpressure.DROP_OLDEST)), ch, "msg",
                "x", WHO, true), "DROP_OLDEST keeps one entry per frame");
        assertEquals(0, ch.pendingBytes(), "nothing was queued");
    }

    @Test
    void shouldLeaveAFrameLongerThanTheScratchToTheCaller() {
        IpcRuntime rt = runtime(IpcConfig.defaults());
        TestChannel ch = new TestChannel();
        assertNotNull(Outbound.sendSmall(rt, ch, "msg", "y".repeat(900), WHO, true), "fits the 1 KiB scratch");
        assertNull(Outbound.sendSmall(rt, ch, "msg", "y".repeat(3000), WHO, true), "longer: encoded by the caller");
        assertArrayEquals(rt.encoder.encode("msg", "y".repeat(900)), drain(ch), "only the first was queued");
    }

    @Test
    void shouldApplyBackpressureWhenTheFrameDoesNotFit() {
        IpcRuntime rt = runtime(IpcConfig.defaults().highWaterMarkBytes(40));
        TestChannel ch = new TestChannel();
        assertNotNull(Outbound.sendSmall(rt, ch, "msg", "first", WHO, true), "nothing pending: it goes");
        CompletionStage<Void> over = Outbound.sendSmall(rt, ch, "msg", "second", WHO, true);
        CompletionException e = assertThrows(CompletionException.class, () -> over.toCompletableFuture().join());
        IpcException cause = assertInstanceOf(IpcException.class, e.getCause());
        assertEquals("EBACKPRESSURE", cause.code());
        assertTrue(cause.getMessage().contains("test connection"), cause.getMessage());
        assertArrayEquals(rt.encoder.encode("msg", "first"), drain(ch), "only the first was queued");
    }
}
