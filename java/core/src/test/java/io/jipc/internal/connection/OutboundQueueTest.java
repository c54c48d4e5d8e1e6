package io.jipc.internal.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.Backpressure;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.internal.IpcRuntime;
import io.jipc.internal.codec.WireCodec;
import io.jipc.internal.codec.json.JsonFrameEncoder;
import io.jipc.internal.codec.json.JsonWireCodec;
import io.jipc.internal.transport.TestChannel;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link OutboundQueue#sendSmall}: a small JSON emit encoded straight into the connection's batch, the same bytes
 * {@code encode} gives; everything it does not take is left to the caller (null), and a frame over the mark meets the
 * backpressure policy.
 */
class OutboundQueueTest {
    /** Builds the frames a default-config JSON connection is expected to write (delimiter \f). */
    private static final JsonFrameEncoder FRAMES = new JsonFrameEncoder(new byte[] {'\f'},
            new com.fasterxml.jackson.databind.ObjectMapper());

    private static final WireCodec JSON = JsonWireCodec.INSTANCE;
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

    private static OutboundQueue queue(IpcRuntime rt, TestChannel ch) {
        return new OutboundQueue(ch, rt.config(), rt.encoder(), () -> false, WHO);
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
        CompletionStage<Void> a = queue(rt, ch).sendSmall(JSON, "msg", "hello", true);
        CompletionStage<Void> b = queue(rt, ch).sendSmall(JSON, "msg", Boolean.TRUE, true);
        assertNotNull(a);
        assertSame(a, b, "both appended to the open batch");
        byte[] expected = concat(FRAMES.encode("msg", "hello"), FRAMES.encode("msg", Boolean.TRUE));
        int[] entries = new int[1];
        assertArrayEquals(expected, drain(ch, entries));
        assertEquals(1, entries[0], "one queue entry for both");
    }

    @Test
    void shouldLeaveOtherFramesAndModesToTheUsualPath() {
        TestChannel ch = new TestChannel();
        IpcRuntime rt = runtime(IpcConfig.defaults());
        assertNull(queue(rt, ch).sendSmall(JSON, "msg", 42, true), "not a small kind: the caller encodes it");
        assertNull(queue(rt, ch).sendSmall(JSON, "msg", "tab\t", true), "escapes: the caller encodes it");
        assertNull(queue(rt, ch).sendSmall(JSON, null, "x", true), "the caller reports the null type");
        assertNull(queue(runtime(IpcConfig.defaults().rawBuffer(true)), ch).sendSmall(JSON, "msg", "x", true));
        assertNull(queue(runtime(IpcConfig.defaults().backpressure(Backpressure.DROP_OLDEST)), ch)
                .sendSmall(JSON, "msg", "x", true), "DROP_OLDEST keeps one entry per frame");
        assertEquals(0, ch.pendingBytes(), "nothing was queued");
    }

    @Test
    void shouldLeaveAFrameLongerThanTheScratchToTheCaller() {
        IpcRuntime rt = runtime(IpcConfig.defaults());
        TestChannel ch = new TestChannel();
        assertNotNull(queue(rt, ch).sendSmall(JSON, "msg", "y".repeat(900), true), "fits the 1 KiB scratch");
        assertNull(queue(rt, ch).sendSmall(JSON, "msg", "y".repeat(3000), true), "longer: encoded by the caller");
        assertArrayEquals(FRAMES.encode("msg", "y".repeat(900)), drain(ch), "only the first was queued");
    }

    @Test
    void shouldApplyBackpressureWhenTheFrameDoesNotFit() {
        IpcRuntime rt = runtime(IpcConfig.defaults().highWaterMarkBytes(40));
        TestChannel ch = new TestChannel();
        assertNotNull(queue(rt, ch).sendSmall(JSON, "msg", "first", true), "nothing pending: it goes");
        CompletionStage<Void> over = queue(rt, ch).sendSmall(JSON, "msg", "second", true);
        CompletionException e = assertThrows(CompletionException.class, () -> over.toCompletableFuture().join());
        IpcException cause = assertInstanceOf(IpcException.class, e.getCause());
        assertEquals("EBACKPRESSURE", cause.code());
        assertTrue(cause.getMessage().contains("test connection"), cause.getMessage());
        assertArrayEquals(FRAMES.encode("msg", "first"), drain(ch), "only the first was queued");
    }

    @Test
    void shouldSignalRoomOnceTheQueueFallsBelowTheMark() {
        IpcRuntime rt = runtime(IpcConfig.defaults().highWaterMarkBytes(40));
        TestChannel ch = new TestChannel();
        OutboundQueue q = queue(rt, ch);
        assertTrue(q.whenRoom().isDone(), "nothing queued: room at once");
        q.send(java.nio.ByteBuffer.wrap(new byte[30]), true);
        q.send(java.nio.ByteBuffer.wrap(new byte[10]), true);
        assertEquals(40, q.pendingBytes());
        java.util.concurrent.CompletableFuture<Void> room = q.whenRoom();
        assertFalse(room.isDone(), "40 bytes queued under a mark of 40: no room");
        ch.writeNext();
        assertTrue(room.isDone(), "the first frame was written: 10 bytes queued, room again");
        assertTrue(q.whenRoom().isDone());
    }

    @Test
    void shouldEndTheWaitForRoomWhenTheChannelCloses() {
        IpcRuntime rt = runtime(IpcConfig.defaults().highWaterMarkBytes(10));
        TestChannel ch = new TestChannel();
        OutboundQueue q = queue(rt, ch);
        q.send(java.nio.ByteBuffer.wrap(new byte[20]), true);
        java.util.concurrent.CompletableFuture<Void> room = q.whenRoom();
        assertFalse(room.isDone());
        ch.close(null);
        assertTrue(room.isDone(), "closed: waiting is over, a send then fails as closed");
    }

    @Test
    void shouldReadThePolicyOnceForEveryPlaceAFrameWaits() {
        TestChannel ch = new TestChannel();
        assertEquals(OutboundQueue.WhenFull.FAIL, queue(runtime(IpcConfig.defaults()), ch).whenFull(true));
        assertEquals(OutboundQueue.WhenFull.DROP_OLDEST,
                queue(runtime(IpcConfig.defaults().backpressure(Backpressure.DROP_OLDEST)), ch).whenFull(false));
        IpcRuntime block = runtime(IpcConfig.defaults().backpressure(Backpressure.BLOCK));
        assertEquals(OutboundQueue.WhenFull.WAIT, queue(block, ch).whenFull(true));
        assertEquals(OutboundQueue.WhenFull.FAIL_FOR_BROADCAST, queue(block, ch).whenFull(false));
        OutboundQueue onIoThread = new OutboundQueue(ch, block.config(), block.encoder(), () -> true, WHO);
        assertEquals(OutboundQueue.WhenFull.FAIL_ON_IO_THREAD, onIoThread.whenFull(true));
    }
}
