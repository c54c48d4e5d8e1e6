package io.jipc.internal.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One queued write: its bytes, the stage to complete once they reached the kernel, and its counted size. A
 * {@link Batch} is a write that small frames are appended to until the I/O thread takes it; {@link #buf} and
 * {@link #size} are final once a write has been taken from its channel's queue ({@link QueuedChannel#poll}).
 */
public class PendingWrite {
    /** The bytes still to write (position advances as they are copied out); null while a batch is still open. */
    public ByteBuffer buf;
    /** Completed when written, failed when dropped or closed; may be null. */
    public final CompletableFuture<Void> promise;
    /** Bytes counted in the channel's {@link QueuedBytes} until this write is done or failed. */
    public int size;

    /**
     * @param buf the bytes, position..limit
     * @param promise completion, or null
     */
    public PendingWrite(ByteBuffer buf, CompletableFuture<Void> promise) {
        this.buf = buf;
        this.promise = promise;
        this.size = buf.remaining();
    }

    PendingWrite(CompletableFuture<Void> promise) {
        this.promise = promise;
    }

    /**
     * Frames appended one after another while the batch sits in its channel's queue, sent and completed together:
     * one queue entry, one copy and one completion for many small frames. Appended to under the channel's order lock,
     * only while it is the channel's open tail; taken (closed for appends, {@link #buf} set) by the I/O thread.
     */
    static final class Batch extends PendingWrite {
        private static final int MAX = QueuedChannel.BATCH_MAX_BYTES;
        private static final int INITIAL = QueuedChannel.BATCH_INITIAL_BYTES;
        /**
         * Arrays of written batches, for the next ones: full-size ones (fast writers) and first-size ones (a batch of
         * one frame, as in request/response), each pool bounded and shared by all channels.
         */
        private static final ArrayPool FULL = new ArrayPool(32);
        private static final ArrayPool FIRST = new ArrayPool(64);

        /** The stage every frame of the batch returns: read-only, so no caller can complete or cancel the others. */
        final java.util.concurrent.CompletionStage<Void> stage;
        private byte[] bytes;
        private int len;

        /** @param first the size of the first frame (at most {@link QueuedChannel#BATCH_MAX_BYTES}) */
        Batch(int first) {
            super(new CompletableFuture<>());
            byte[] a = FULL.take();
            if (a == null && first <= INITIAL) {
                a = FIRST.take();
            }
            this.bytes = a != null ? a : new byte[Math.max(INITIAL, first)];
            this.stage = promise.minimalCompletionStage();
        }

        /** Gives the array back for another batch once this one is written (and nothing reads it any more). */
        void recycle() {
            if (bytes.length == MAX) {
                FULL.give(bytes);
            } else if (bytes.length == INITIAL) {
                FIRST.give(bytes);
            }
            bytes = null;
            buf = null;
        }

        /** @return false when the frame does not fit in the batch (nothing appended) */
        boolean append(ByteBuffer frame) {
            int n = frame.remaining();
            if (!room(n)) {
                return false;
            }
            frame.get(frame.position(), bytes, len, n);
            len += n;
            return true;
        }

        /** @return false when the frame does not fit in the batch (nothing appended) */
        boolean append(byte[] frame, int n) {
            if (!room(n)) {
                return false;
            }
            System.arraycopy(frame, 0, bytes, len, n);
            len += n;
            return true;
        }

        /** Makes room for {@code n} more bytes (growing the array up to the batch size); false when they do not fit. */
        private boolean room(int n) {
            if (len + n > MAX) {
                return false;
            }
            if (len + n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.min(MAX, Math.max(len + n, bytes.length * 2)));
            }
            return true;
        }

        /** @return the bytes appended so far */
        int length() {
            return len;
        }

        /** Closed for appends: the bytes become this write's buffer. */
        void take() {
            buf = ByteBuffer.wrap(bytes, 0, len);
            size = len;
        }
    }

    /**
     * A small lock-free pool of equal-size arrays: slots taken and filled with one atomic swap each, so that batches
     * in steady use neither allocate nor zero their arrays, and at most {@code slots} arrays are ever kept.
     */
    static final class ArrayPool {
        private final java.util.concurrent.atomic.AtomicReferenceArray<byte[]> slots;

        /** @param slots how many arrays it keeps at most (a power of two); all of one size, which callers keep to */
        ArrayPool(int slots) {
            this.slots = new java.util.concurrent.atomic.AtomicReferenceArray<>(slots);
        }

        /**
         * Looks at every slot, starting at one picked by the calling thread (so that threads taking at once tend to
         * start apart); arrays are taken by writers and given back by the I/O thread, so both must see all slots.
         *
         * @return a pooled array (contents undefined), or null when none is free
         */
        byte[] take() {
            int n = slots.length();
            int start = (int) Thread.currentThread().getId();
            for (int i = 0; i < n; i++) {
                int k = (start + i) & (n - 1);
                if (slots.getPlain(k) != null) {
                    byte[] a = slots.getAndSet(k, null);
                    if (a != null) {
                        return a;
                    }
                }
            }
            return null;
        }

        /** @param a an array of the pool's size, no longer used by anyone; dropped when the pool is full */
        void give(byte[] a) {
            int n = slots.length();
            int start = (int) Thread.currentThread().getId();
            for (int i = 0; i < n; i++) {
                int k = (start + i) & (n - 1);
                if (slots.getPlain(k) == null && slots.compareAndSet(k, null, a)) {
                    return;
                }
            }
        }
    }
}
