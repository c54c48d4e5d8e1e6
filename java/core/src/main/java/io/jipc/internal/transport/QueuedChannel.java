package io.jipc.internal.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The writer side shared by stream channels: a thread-safe queue of writes not yet taken by the I/O thread, counted
 * against the high-water mark. Subclasses drain {@link #outbound}, release {@link #counter} as bytes reach the
 * kernel (or fail), and say how a flush is scheduled.
 *
 * <p>Small frames offered with {@link #offerCoalesced} are appended to the queue's open tail {@link PendingWrite.Batch}
 * while the I/O thread has not taken it yet: a writer that outpaces the I/O thread costs one copy per frame and no
 * queue entry, promise or wake-up of its own. Subclasses take writes only through {@link #poll} and {@link #peek},
 * which close a batch for appends before anyone reads it.
 */
public abstract class QueuedChannel implements Channel {
    /** Largest batch, and so the largest frame that is coalesced: a batch always fits the loop's write buffer. */
    static final int BATCH_MAX_BYTES = 32 * 1024;
    /** A new batch's first array (it doubles up to {@link #BATCH_MAX_BYTES}). */
    static final int BATCH_INITIAL_BYTES = 1024;
    /** Largest frame appended to a batch; larger ones are queued as they are. */
    static final int COALESCE_MAX_BYTES = BATCH_MAX_BYTES / 4;

    /** Writes not yet taken by the I/O thread, in order. Read it with {@link #poll} and {@link #peek} only. */
    private final ConcurrentLinkedQueue<PendingWrite> outbound = new ConcurrentLinkedQueue<>();
    /** Orders writers: enqueueing and appending to {@link #tail} happen under it. */
    private final Object order = new Object();
    /** The last queued write when it is a batch still open for appends; guarded by {@link #order}. */
    private PendingWrite.Batch tail;
    /** Bytes written to this channel that have not reached the kernel yet. */
    protected final QueuedBytes counter = new QueuedBytes();
    /**
     * Set when an orderly close begins ({@link #closeAfterFlush}): later writes fail as closed, so the close flushes
     * what was written before it and is not held open by writers that keep going (node's "write after end").
     */
    protected volatile boolean closing;

    /** Makes sure the I/O thread flushes this channel soon (at most one pending request at a time). */
    protected abstract void scheduleFlush();

    /**
     * Fails every queued write (the channel closed). Channels that hold taken writes elsewhere fail those too.
     *
     * @param cause why, or null for an orderly close
     */
    protected void failQueued(Throwable cause) {
        failAll(this::poll, cause);
    }

    /**
     * Fails writes taken from a source until it is empty, releasing their bytes from the counter.
     *
     * @param source gives the next write, or null when there is none
     * @param cause why, or null for an orderly close
     */
    protected final void failAll(Supplier<PendingWrite> source, Throwable cause) {
        PendingWrite p;
        while ((p = source.get()) != null) {
            counter.release(p.size);
            failWrite(p.promise, cause);
        }
    }

    /**
     * Fails one write's stage because the channel is closed.
     *
     * @param promise the stage, or null
     * @param cause why, or null for an orderly close
     */
    protected abstract void failWrite(CompletableFuture<Void> promise, Throwable cause);

    @Override
    public final void write(ByteBuffer data, CompletableFuture<Void> promise) {
        offer(data, promise, Long.MAX_VALUE); // fits whatever is pending (short of overflowing a long)
    }

    @Override
    public final boolean offer(ByteBuffer data, CompletableFuture<Void> promise, long highWaterMark) {
        if (!isOpen() || closing) {
            failWrite(promise, null);
            return true;
        }
        PendingWrite p = new PendingWrite(data, promise);
        synchronized (order) {
            if (!fits(p.size, highWaterMark)) {
                return false;
            }
            counter.add(p.size);
            closeTail();
            outbound.add(p);
        }
        afterEnqueue();
        return true;
    }

    @Override
    public final CompletionStage<Void> offerCoalesced(ByteBuffer data, long highWaterMark) {
        int n = data.remaining();
        if (n > COALESCE_MAX_BYTES || !isOpen() || closing) {
            CompletableFuture<Void> promise = new CompletableFuture<>();
            return offer(data, promise, highWaterMark) ? promise : null;
        }
        return coalesce(null, data, n, highWaterMark);
    }

    @Override
    public final CompletionStage<Void> offerCoalesced(byte[] frame, int length, long highWaterMark) {
        if (length > COALESCE_MAX_BYTES) {
            return null;
        }
        if (!isOpen() || closing) {
            CompletableFuture<Void> promise = new CompletableFuture<>();
            failWrite(promise, null);
            return promise;
        }
        return coalesce(frame, null, length, highWaterMark);
    }

    /** Appends {@code n} bytes from the array (if not null) or else the buffer to the open batch, or starts one. */
    private CompletionStage<Void> coalesce(byte[] array, ByteBuffer data, int n, long highWaterMark) {
        PendingWrite.Batch b;
        synchronized (order) {
            if (!fits(n, highWaterMark)) {
                return null;
            }
            b = tail;
            if (b != null && append(b, array, data, n)) {
                return b.stage; // the batch is queued and its flush requested: the I/O thread takes it with this
            }
            closeTail();
            b = new PendingWrite.Batch(n);
            append(b, array, data, n);
            tail = b;
            outbound.add(b);
        }
        afterEnqueue();
        return b.stage;
    }

    private static boolean append(PendingWrite.Batch b, byte[] array, ByteBuffer data, int n) {
        return array != null ? b.append(array, n) : b.append(data);
    }

    /**
     * Whether a frame fits under the mark (under {@link #order}): when nothing is pending (so one frame larger than
     * the mark still goes), or when what is pending plus the frame is at most the mark.
     */
    private boolean fits(long bytes, long mark) {
        long cur = counter.get() + (tail == null ? 0 : tail.length());
        return cur <= 0 || (cur + bytes <= mark && cur + bytes > 0);
    }

    /**
     * Ends appends to the open batch (under {@link #order}) and counts its bytes: the counter holds every pending
     * byte except those of the open tail, which are counted once, here, so appends need no atomic update.
     */
    private void closeTail() {
        PendingWrite.Batch b = tail;
        if (b != null) {
            tail = null;
            counter.add(b.length());
        }
    }

    private void afterEnqueue() {
        if (!isOpen()) {
            failQueued(null); // raced with close: whoever drains first fails it
            return;
        }
        scheduleFlush();
    }

    /**
     * Takes the oldest queued write, closing it for appends if it is a batch.
     *
     * @return the write, or null when the queue is empty
     */
    protected final PendingWrite poll() {
        PendingWrite p = outbound.poll();
        if (p instanceof PendingWrite.Batch) {
            take((PendingWrite.Batch) p);
        }
        return p;
    }

    /**
     * The oldest queued write without taking it, closed for appends if it is a batch (so its size is final).
     *
     * @return the write, or null when the queue is empty
     */
    protected final PendingWrite peek() {
        PendingWrite p = outbound.peek();
        if (p instanceof PendingWrite.Batch) {
            take((PendingWrite.Batch) p);
        }
        return p;
    }

    private void take(PendingWrite.Batch b) {
        synchronized (order) { // also orders it with a writer that polls it (DROP_OLDEST) against the I/O thread
            if (tail == b) {
                closeTail();
            }
            if (b.buf == null) {
                b.take();
            }
        }
    }

    /**
     * Hands a write back once all of it reached the kernel: a batch's array goes back to the pool.
     *
     * @param p a write taken with {@link #poll}, completed, and no longer referenced
     */
    protected static void recycle(PendingWrite p) {
        if (p instanceof PendingWrite.Batch) {
            ((PendingWrite.Batch) p).recycle();
        }
    }

    /** @return true when nothing is queued */
    protected final boolean queueEmpty() {
        return outbound.isEmpty();
    }

    @Override
    public final long pendingBytes() {
        synchronized (order) {
            return counter.get() + (tail == null ? 0 : tail.length());
        }
    }

    @Override
    public final CompletableFuture<Void> whenPendingAtMost(long atMost) {
        synchronized (order) {
            closeTail(); // count the open batch, so that the counter alone says when the level is reached
        }
        return counter.whenAtMost(atMost);
    }

    @Override
    public final long dropQueued(long bytes, Supplier<? extends Throwable> reason) {
        return counter.drop(this::poll, bytes, reason);
    }
}
