package io.jipc.internal.transport;

import java.nio.ByteBuffer;

/** Protocol side of one connection; every method is called on the I/O thread. */
public interface ChannelHandler {
    /**
     * The connection is established (for accepted channels, right after accept).
     *
     * @param channel the channel
     */
    void onOpen(Channel channel);

    /**
     * Bytes arrived. The buffer is only valid during the call; consume or copy.
     *
     * @param data the bytes, position..limit
     */
    void onData(ByteBuffer data);

    /**
     * The connection is closed (or the connect failed); called exactly once per channel. Pending writes have been
     * failed by then.
     *
     * @param cause null for an orderly close (EOF or our own close), else the failure
     */
    void onClose(Throwable cause);
}
