package io.jipc.internal.transport;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** One stream connection. Writes are thread-safe and go out in order, batched into gathering writes per loop turn. */
public interface Channel {
    /**
     * Queues bytes to send.
     *
     * @param data the bytes, position..limit; ownership passes to the channel (wrap shared arrays per channel)
     * @param promise completed when all of data reached the kernel, failed if the channel closes first; may be null
     */
    void write(ByteBuffer data, CompletableFuture<Void> promise);

    /**
     * Queues bytes to send if they fit under the high-water mark: when nothing is pending, or when the pending bytes
     * plus these are at most {@code highWaterMark}. A closed channel accepts and fails the promise, as
     * {@link #write} does.
     *
     * @param data the bytes, as for {@link #write}
     * @param promise as for {@link #write}
     * @param highWaterMark the mark in bytes
     * @return true when queued (or failed as closed), false when over the mark (nothing queued, promise untouched)
     */
    boolean offer(ByteBuffer data, CompletableFuture<Void> promise, long highWaterMark);

    /**
     * Queues a frame if it fits under the high-water mark (as {@link #offer}), appending a small one to the frames
     * queued just before it that the I/O thread has not taken yet, so that they are written and completed together.
     * The stage is shared by the frames of that batch and read-only ({@code toCompletableFuture()} gives each caller
     * its own copy); it completes when the whole batch reached the kernel, and fails if the channel closes first, even
     * when some of the batch's frames were already written.
     *
     * @param data the frame, position..limit; copied before this returns (large frames are queued as they are)
     * @param highWaterMark the mark in bytes
     * @return the frame's completion (failed as closed when the channel is closed), or null when over the mark
     *     (nothing queued)
     */
    java.util.concurrent.CompletionStage<Void> offerCoalesced(ByteBuffer data, long highWaterMark);

    /**
     * Appends a small frame held in a caller's scratch array to the open batch, or starts one, as
     * {@link #offerCoalesced(ByteBuffer, long)} does; a frame it cannot coalesce is left to the caller.
     *
     * @param frame the frame's bytes at {@code [0, length)}; copied before this returns, never kept
     * @param length the frame's length
     * @param highWaterMark the mark in bytes
     * @return the batch's completion (failed as closed when the channel is closed), or null when the frame was not
     *     queued: over the mark, or too large to coalesce (the caller then copies it and uses {@link #offer})
     */
    java.util.concurrent.CompletionStage<Void> offerCoalesced(byte[] frame, int length, long highWaterMark);

    /**
     * @return bytes accepted by {@link #write} or {@link #offer} that have not yet reached the kernel or failed
     */
    long pendingBytes();

    /**
     * @param atMost pending byte count to wait for
     * @return completes once {@link #pendingBytes()} is at most {@code atMost}, or the channel closed
     */
    CompletableFuture<Void> whenPendingAtMost(long atMost);

    /**
     * Drops queued frames the I/O thread has not started writing, oldest first, until at least {@code bytes} were
     * dropped or none is left; each dropped frame's promise fails with {@code reason}. Thread-safe.
     *
     * @param bytes how many bytes to free
     * @param reason the failure given to each dropped frame's promise
     * @return the bytes dropped
     */
    long dropQueued(long bytes, java.util.function.Supplier<? extends Throwable> reason);

    /**
     * @return the peer's credentials, read when a Unix-domain connection was accepted; null for TCP, for connecting
     *     channels and when the OS would not say
     */
    default io.jipc.PeerCredentials peerCredentials() {
        return null;
    }

    /** @return true until closed */
    boolean isOpen();

    /** @return true once connected (always for accepted channels) */
    boolean isConnected();

    /** @return the peer address, or the target while connecting */
    SocketAddress remoteAddress();

    /**
     * Closes after the queued writes went out, or after the timeout, whichever comes first. Writes made after this
     * call fail as closed.
     *
     * @param timeoutNanos how long to wait for the queue to drain
     * @return completes when closed
     */
    CompletableFuture<Void> closeAfterFlush(long timeoutNanos);

    /**
     * Closes now; queued writes fail.
     *
     * @param cause reported to the handler's onClose (null for an orderly close)
     */
    void close(Throwable cause);
}
