package io.jipc.internal.codec;

import java.nio.ByteBuffer;

/**
 * One wire codec: how a connection's bytes are framed and what a frame holds. A codec makes a decoder per connection
 * ({@link #newDecoder}) and one encoder per {@code Ipc} instance ({@link #newEncoder}), tells its streams from other
 * codecs' by their first bytes ({@link #detect}, for a server in AUTO mode) and names the bytes a client writes before
 * its first frame ({@link #clientHello}). Codecs are registered in {@link Codecs}; the per-connection code only ever
 * calls this interface. Implementations are stateless and thread-safe; their identity is the codec's identity.
 */
public interface WireCodec {

    /** @return a short lower-case name for errors and logs, e.g. "json" */
    String name();

    /**
     * @param ctx the instance's settings (limits, delimiter, JSON parser factory)
     * @param accepting true on the accepting side of a stream (a server's connection), false on a client's
     * @return a new decoder for one stream connection
     */
    FrameDecoder newDecoder(CodecContext ctx, boolean accepting);

    /**
     * A decoder for a UDP peer's datagrams; the caller keeps it while it is not finished and makes a new one after a
     * datagram finished it. The default decodes a datagram as a stream's bytes from its accepting side.
     *
     * @param ctx the instance's settings
     * @return a decoder fed one whole datagram per call
     */
    default FrameDecoder newDatagramDecoder(CodecContext ctx) {
        return newDecoder(ctx, true);
    }

    /**
     * @param ctx the instance's settings and JSON mapper
     * @return the encoder of this codec's frames for one instance
     */
    FrameEncoder newEncoder(CodecContext ctx);

    /**
     * Whether a stream (or datagram) that starts with these bytes is this codec's. An AUTO server asks the registered
     * codecs in order as soon as the first byte came, so a codec must be known by its first byte; the buffer may hold
     * more, which the codec may look at but must not consume.
     *
     * @param first the first bytes, from its position (at least one byte remains)
     * @return true when the bytes are this codec's
     */
    boolean detect(ByteBuffer first);

    /** @return the bytes a client writes before its first frame (a fresh copy), or null when there are none */
    default byte[] clientHello() {
        return null;
    }
}
