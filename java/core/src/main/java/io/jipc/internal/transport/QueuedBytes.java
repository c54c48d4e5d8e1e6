package io.jipc.internal.transport;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes written to a channel that have not yet reached the kernel (or failed), with the high-water-mark check and
 * waiters for the count to fall. Thread-safe: writers reserve from any thread, the I/O thread releases.
 */
public final class QueuedBytes {
    private final AtomicLong pending = new AtomicLong();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private static final class Waiter {
        final long atMost;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Waiter(long atMost) {
            this.atMost = atMost;
        }
    }

    /** @return the bytes counted now */
    public long get() {
        return pending.get();
    }

    /** @param bytes counts these bytes whatever the mark */
    public void add(long bytes) {
        pending.addAndGet(bytes);
    }

    /** @param bytes no longer pending (written or failed); wakes waiters whose level is reached */
    public void release(long bytes) {
        long now = pending.addAndGet(-bytes);
        if (!waiters.isEmpty()) {
            wake(now);
        }
    }

    /**
     * @param atMost the level to wait for
     * @return completes once the count is at most {@code atMost}, or the channel closed
     */
    public CompletableFuture<Void> whenAtMost(long atMost) {
        Waiter w = new Waiter(atMost);
        waiters.add(w);
        wake(pending.get()); // the count may have fallen before the waiter was added
        return w.done;
    }

    /**
     * Drops queued (not yet started) writes from the head of a queue until at least {@code bytes} are released,
     * failing each one's stage.
     *
     * @param queue takes the oldest write not yet taken by the I/O thread (null when none is left)
     * @param bytes how many bytes to free
     * @param reason the failure given to each dropped write
     * @return the bytes dropped
     */
    public long drop(java.util.function.Supplier<PendingWrite> queue, long bytes,
            java.util.function.Supplier<? extends Throwable> reason) {
        long dropped = 0;
        PendingWrite p;
        while (dropped < bytes && (p = queue.get()) != null) {
            dropped += p.size;
            release(p.size);
            if (p.promise != null) {
                p.promise.completeExceptionally(reason.get());
            }
        }
        return dropped;
    }

    /** Completes every waiter: the channel closed, so waiting is over (the write then fails as closed). */
    public void close() {
        closed = true;
        wake(Long.MIN_VALUE);
    }

    private void wake(long now) {
        boolean all = closed;
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
            Waiter w = it.next();
            if (all || now <= w.atMost) {
                it.remove();
                w.done.complete(null);
            }
        }
    }
}
