package io.jipc.internal.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** One queued write: its bytes, the stage to complete once they reached the kernel, and its counted size. */
public final class PendingWrite {
    /** The bytes still to write (position advances as they are copied out). */
    public final ByteBuffer buf;
    /** Completed when written, failed when dropped or closed; may be null. */
    public final CompletableFuture<Void> promise;
    /** Bytes counted in the channel's {@link OutboundCounter} until this write is done or failed. */
    public final int size;

    /**
     * @param buf the bytes, position..limit
     * @param promise completion, or null
     */
    public PendingWrite(ByteBuffer buf, CompletableFuture<Void> promise) {
        this.buf = buf;
        this.promise = promise;
        this.size = buf.remaining();
    }
}
