package io.jipc.internal.codec;

import java.nio.ByteBuffer;

/** An incremental decoder of one connection's inbound bytes. Not thread-safe (one per connection). */
public interface FrameDecoder {
    /**
     * Consumes all remaining bytes of {@code src}, calling {@code sink} for each complete frame in order. Once the
     * decoder is finished the bytes are ignored.
     *
     * @param src bytes read from the connection; its position is advanced to its limit
     * @param sink receives the frames; must not call back into this decoder
     */
    void decode(ByteBuffer src, FrameSink sink);

    /** @return bytes held for an incomplete frame (or preamble) */
    int pendingBytes();

    /** @return true once a protocol error stopped decoding (the caller closes the connection) */
    boolean isFinished();

    /**
     * Tells a server's decoder that its codec was taken before the peer sent a byte (an AUTO server's
     * {@code wireDetectTimeout}): bytes of another codec coming first now are late, which a decoder may report as
     * such. The default does nothing.
     */
    default void decidedBeforeFirstByte() {
    }
}
