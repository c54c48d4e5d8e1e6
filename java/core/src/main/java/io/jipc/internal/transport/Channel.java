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

    /** @return true until closed */
    boolean isOpen();

    /** @return true once connected (always for accepted channels) */
    boolean isConnected();

    /** @return the peer address, or the target while connecting */
    SocketAddress remoteAddress();

    /**
     * Closes after the queued writes went out, or after the timeout, whichever comes first.
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
