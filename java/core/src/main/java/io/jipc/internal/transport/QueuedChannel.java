package io.jipc.internal.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The writer side shared by stream channels: a thread-safe queue of writes not yet taken by the I/O thread, counted
 * against the high-water mark. Subclasses drain {@link #outbound}, release {@link #counter} as bytes reach the
 * kernel (or fail), and say how a flush is scheduled.
 */
public abstract class QueuedChannel implements Channel {
    /** Writes not yet taken by the I/O thread, in order. */
    protected final ConcurrentLinkedQueue<PendingWrite> outbound = new ConcurrentLinkedQueue<>();
    /** Bytes written to this channel that have not reached the kernel yet. */
    protected final OutboundCounter counter = new OutboundCounter();
    /**
     * Set when an orderly close begins ({@link #closeAfterFlush}): later writes fail as closed, so the close flushes
     * what was written before it and is not held open by writers that keep going (node's "write after end").
     */
    protected volatile boolean closing;

    /** Makes sure the I/O thread flushes this channel soon (at most one pending request at a time). */
    protected abstract void scheduleFlush();

    /**
     * Fails every queued write (the channel closed).
     *
     * @param cause why, or null for an orderly close
     */
    protected abstract void failQueued(Throwable cause);

    /**
     * Fails one write's stage because the channel is closed.
     *
     * @param promise the stage, or null
     * @param cause why, or null for an orderly close
     */
    protected abstract void failWrite(CompletableFuture<Void> promise, Throwable cause);

    @Override
    public final void write(ByteBuffer data, CompletableFuture<Void> promise) {
        if (!isOpen() || closing) {
            failWrite(promise, null);
            return;
        }
        PendingWrite p = new PendingWrite(data, promise);
        counter.add(p.size);
        enqueue(p);
    }

    @Override
    public final boolean offer(ByteBuffer data, CompletableFuture<Void> promise, long highWaterMark) {
        if (!isOpen() || closing) {
            failWrite(promise, null);
            return true;
        }
        PendingWrite p = new PendingWrite(data, promise);
        if (!counter.tryAdd(p.size, highWaterMark)) {
            return false;
        }
        enqueue(p);
        return true;
    }

    private void enqueue(PendingWrite p) {
        outbound.add(p);
        if (!isOpen()) {
            failQueued(null); // raced with close: whoever drains first fails it
            return;
        }
        scheduleFlush();
    }

    @Override
    public final long pendingBytes() {
        return counter.get();
    }

    @Override
    public final CompletableFuture<Void> whenPendingAtMost(long atMost) {
        return counter.whenAtMost(atMost);
    }

    @Override
    public final long dropQueued(long bytes, Supplier<? extends Throwable> reason) {
        return counter.drop(outbound, bytes, reason);
    }
}
