package io.jipc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.IpcException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The writer side of stream channels: frames coalesced into batches, order, the high-water mark, completion. */
class QueuedChannelTest {
    private static ByteBuffer frame(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void shouldWriteSmallFramesQueuedBeforeTheIoThreadTakesThemAsOneWrite() {
        TestChannel ch = new TestChannel();
        CompletionStage<Void> a = ch.offerCoalesced(frame("one\f"), 1 << 20);
        CompletionStage<Void> b = ch.offerCoalesced(frame("two\f"), 1 << 20);
        CompletionStage<Void> c = ch.offerCoalesced(frame("three\f"), 1 << 20);
        assertSame(a, b, "frames of one batch share its stage");
        assertSame(b, c);
        assertEquals(1, ch.flushRequests, "one flush request per batch, not per frame");
        assertEquals(14, ch.pendingBytes(), "the open batch's bytes are pending");
        assertFalse(a.toCompletableFuture().isDone());

        assertEquals("one\ftwo\fthree\f", text(ch.writeNext()));
        assertNull(ch.writeNext(), "one write for the three frames");
        assertTrue(a.toCompletableFuture().isDone());
        assertEquals(0, ch.pendingBytes());
    }

    @Test
    void shouldCopyAScratchArrayFrameIntoTheBatchAndLeaveLargeOnesToTheCaller() {
        TestChannel ch = new TestChannel();
        byte[] scratch = "one\ftwo\f".getBytes(StandardCharsets.US_ASCII);
        CompletionStage<Void> a = ch.offerCoalesced(scratch, 4, 1 << 20);
        scratch[0] = 'X'; // the caller reuses its scratch at once: the batch holds a copy
        CompletionStage<Void> b = ch.offerCoalesced(frame("two\f"), 1 << 20);
        assertSame(a, b, "array and buffer frames share one batch");
        byte[] large = new byte[QueuedChannel.COALESCE_MAX_BYTES + 1];
        assertNull(ch.offerCoalesced(large, large.length, Long.MAX_VALUE), "too large to coalesce: the caller's");
        assertNull(ch.offerCoalesced(scratch, 4, 9), "over the mark: nothing queued");
        assertEquals(8, ch.pendingBytes());
        assertEquals("one\ftwo\f", text(ch.writeNext()));
        assertNull(ch.writeNext());
        assertTrue(a.toCompletableFuture().isDone());

        ch.close(null);
        CompletionStage<Void> closed = ch.offerCoalesced(scratch, 4, 1 << 20);
        CompletionException e = assertThrows(CompletionException.class, () -> closed.toCompletableFuture().join());
        assertInstanceOf(IpcException.class, e.getCause());
    }

    @Test
    void shouldStartANewBatchOnceTheIoThreadTookTheOpenOne() {
        TestChannel ch = new TestChannel();
        CompletionStage<Void> a = ch.offerCoalesced(frame("a\f"), 1 << 20);
        PendingWrite taken = ch.poll();
        CompletionStage<Void> b = ch.offerCoalesced(frame("b\f"), 1 << 20);
        assertNotSame(a, b, "a frame after the take goes into a new batch");
        assertEquals("a\f", StandardCharsets.US_ASCII.decode(taken.buf).toString(), "the taken batch is final");
        assertEquals("b\f", text(ch.writeNext()));
        assertEquals(2, ch.flushRequests);
    }

    @Test
    void shouldKeepOrderAcrossBatchesAndSingleWrites() {
        TestChannel ch = new TestChannel();
        ch.offerCoalesced(frame("1\f"), 1 << 20);
        ch.offerCoalesced(frame("2\f"), 1 << 20);
        CompletableFuture<Void> single = new CompletableFuture<>();
        ch.write(frame("3\f"), single);
        ch.offerCoalesced(frame("4\f"), 1 << 20);
        byte[] big = new byte[QueuedChannel.BATCH_MAX_BYTES];
        java.util.Arrays.fill(big, (byte) 'x');
        CompletionStage<Void> large = ch.offerCoalesced(ByteBuffer.wrap(big), Long.MAX_VALUE);
        ch.offerCoalesced(frame("5\f"), 1 << 20);

        List<String> writes = new ArrayList<>();
        byte[] w;
        while ((w = ch.writeNext()) != null) {
            writes.add(w.length == big.length ? "<large>" : text(w));
        }
        assertEquals(List.of("1\f2\f", "3\f", "4\f", "<large>", "5\f"), writes,
                "a frame written alone ends the batch before it; a large frame is never copied into a batch");
        assertTrue(single.isDone());
        assertTrue(large.toCompletableFuture().isDone());
    }

    @Test
    void shouldCountTheOpenBatchAgainstTheHighWaterMark() {
        TestChannel ch = new TestChannel();
        String forty = "x".repeat(39) + "\f";
        assertNotNull(ch.offerCoalesced(frame(forty), 100));
        assertNotNull(ch.offerCoalesced(frame(forty), 100));
        assertNull(ch.offerCoalesced(frame(forty), 100), "80 pending + 40 is over the mark of 100");
        assertFalse(ch.offer(frame(forty), new CompletableFuture<>(), 100), "the same for a single write");
        assertEquals(80, ch.pendingBytes());
        ch.writeNext();
        assertEquals(0, ch.pendingBytes());
        assertNotNull(ch.offerCoalesced(frame(forty), 100), "fits again once written");
        ByteBuffer huge = ByteBuffer.allocate(500);
        ch.writeNext();
        assertNotNull(ch.offerCoalesced(huge, 100), "one frame larger than the mark still goes when nothing is pending");
    }

    @Test
    void shouldLetAWaiterSeeTheOpenBatchDrain() throws Exception {
        TestChannel ch = new TestChannel();
        ch.offerCoalesced(frame("x".repeat(99) + "\f"), 1 << 20);
        CompletableFuture<Void> low = ch.whenPendingAtMost(10);
        assertFalse(low.isDone(), "the open batch's 100 bytes count for waiters");
        ch.writeNext();
        low.get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldGiveEveryCallerItsOwnFutureSoNoneCanCompleteTheBatchForTheOthers() {
        TestChannel ch = new TestChannel();
        CompletionStage<Void> a = ch.offerCoalesced(frame("a\f"), 1 << 20);
        CompletionStage<Void> b = ch.offerCoalesced(frame("b\f"), 1 << 20);
        CompletableFuture<Void> mine = a.toCompletableFuture();
        mine.cancel(false); // what kotlinx.coroutines' await() does when its coroutine is cancelled
        CompletableFuture<Void> theirs = b.toCompletableFuture();
        assertFalse(theirs.isDone(), "cancelling one caller's future leaves the batch alone");
        assertThrows(UnsupportedOperationException.class, () -> ((CompletableFuture<Void>) a).complete(null),
                "the shared stage itself is read-only");
        ch.writeNext();
        assertTrue(theirs.isDone() && !theirs.isCompletedExceptionally());
    }

    @Test
    void shouldFailEveryFrameOfABatchThatWasNotWrittenWhenTheChannelCloses() {
        TestChannel ch = new TestChannel();
        CompletionStage<Void> a = ch.offerCoalesced(frame("a\f"), 1 << 20);
        ch.close(null);
        CompletionException e = assertThrows(CompletionException.class, () -> a.toCompletableFuture().join());
        assertInstanceOf(IpcException.class, e.getCause());
        assertEquals("ECLOSED", ((IpcException) e.getCause()).code());
        CompletionStage<Void> late = ch.offerCoalesced(frame("b\f"), 1 << 20);
        assertTrue(late.toCompletableFuture().isCompletedExceptionally(), "a frame after the close fails at once");
    }

    @Test
    void shouldDropWholeQueuedWritesOldestFirst() {
        TestChannel ch = new TestChannel();
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        ch.write(frame("aaaa\f"), first);
        ch.write(frame("bbbb\f"), second);
        long dropped = ch.dropQueued(3, () -> new IpcException("EBACKPRESSURE", "dropped"));
        assertEquals(5, dropped);
        assertTrue(first.isCompletedExceptionally());
        assertFalse(second.isDone());
        assertEquals(5, ch.pendingBytes());
        assertArrayEquals("bbbb\f".getBytes(StandardCharsets.US_ASCII), ch.writeNext());
    }

    @Test
    void shouldKeepEveryFrameOfWritersRacingEachOtherAndTheIoThread() throws Exception {
        TestChannel ch = new TestChannel();
        int writers = 4;
        int perWriter = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            final int id = w;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perWriter; i++) {
                    if (ch.offerCoalesced(frame(id + ":" + i + "\f"), Long.MAX_VALUE) == null) {
                        throw new AssertionError("refused under an unlimited mark");
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        StringBuilder all = new StringBuilder();
        go.countDown();
        boolean running = true;
        while (running) {
            running = threads.stream().anyMatch(Thread::isAlive);
            byte[] w;
            while ((w = ch.writeNext()) != null) {
                all.append(text(w));
            }
        }
        int[] next = new int[writers];
        String[] frames = all.toString().split("\f");
        assertEquals(writers * perWriter, frames.length, "every frame written once");
        for (String f : frames) {
            String[] p = f.split(":");
            int id = Integer.parseInt(p[0]);
            assertEquals(next[id]++, Integer.parseInt(p[1]), "each writer's frames in its order");
        }
        assertEquals(0, ch.pendingBytes());
    }

    @Test
    void shouldReuseAWrittenBatchesArrayForTheNextBatch() {
        // one frame per batch (request/response) and full batches (a fast writer) both recycle their arrays
        for (int frameBytes : new int[] {10, QueuedChannel.BATCH_MAX_BYTES / 4}) {
            byte[] frame = new byte[frameBytes];
            PendingWrite.Batch first = new PendingWrite.Batch(frame.length);
            while (first.append(ByteBuffer.wrap(frame))) {
                if (frameBytes == 10) {
                    break;
                }
            }
            first.take();
            byte[] array = first.buf.array();
            first.recycle();
            PendingWrite.Batch next = new PendingWrite.Batch(frame.length);
            next.append(ByteBuffer.wrap(frame));
            next.take();
            assertSame(array, next.buf.array(), "the written batch's array is the next batch's, frames of "
                    + frameBytes + " bytes");
            next.recycle();
        }
    }

    @Test
    void shouldHandAnArrayGivenBackOnOneThreadToATakerOnAnother() throws Exception {
        // writers take batch arrays, the I/O thread gives them back: each must see the other's slots
        long me = Thread.currentThread().getId();
        for (int round = 0; round < 3; round++) {
            PendingWrite.ArrayPool pool = new PendingWrite.ArrayPool(32);
            byte[] array = new byte[16];
            Thread giver;
            do { // a thread whose id starts its probe far from this thread's
                giver = new Thread(() -> pool.give(array));
            } while (((giver.getId() - me) & 31) < 8 || ((me - giver.getId()) & 31) < 8);
            giver.start();
            giver.join();
            assertSame(array, pool.take(), "an array given back on thread " + giver.getId()
                    + " is found by thread " + me);
            assertNull(pool.take(), "taken once");
        }
    }
}
