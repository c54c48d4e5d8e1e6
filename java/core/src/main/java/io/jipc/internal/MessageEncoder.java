package io.jipc.internal;

import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.internal.codec.CodecContext;
import io.jipc.internal.codec.Codecs;
import io.jipc.internal.codec.FrameEncoder;
import io.jipc.internal.codec.proto.ProtoCodec;
import io.jipc.internal.codec.WireCodec;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;

/**
 * Turns what a user emits, requests or replies into the bytes of one frame for a codec: in rawBuffer mode the type as
 * text, else the codec's {@link FrameEncoder} (one per registered codec), after the checks every codec shares (a
 * type no peer accepts is refused). Thread-safe; one per {@code Ipc} instance.
 */
public final class MessageEncoder {
    private final IpcConfig config;
    private final Charset rawCharset;
    private final Codecs codecs;
    /** One per registered codec, at its {@link Codecs#indexOf} position. */
    private final FrameEncoder[] encoders;

    /**
     * @param ctx the validated config (rawBuffer, delimiter) and the instance's JSON mapper
     * @param codecs the instance's codecs: one encoder is made for each
     * @param rawCharset the charset of rawBuffer text
     */
    MessageEncoder(CodecContext ctx, Codecs codecs, Charset rawCharset) {
        this.config = ctx.config();
        this.rawCharset = rawCharset;
        this.codecs = codecs;
        this.encoders = codecs.all().stream().map(c -> c.newEncoder(ctx)).toArray(FrameEncoder[]::new);
    }

    /**
     * @param codec a registered codec
     * @return its encoder
     */
    private FrameEncoder encoder(WireCodec codec) {
        return encoders[codecs.indexOf(codec)];
    }

    /**
     * Encodes a small event frame into {@code scratch} when the codec and the mode allow it (see
     * {@link FrameEncoder#encodeSmall}).
     *
     * @param codec the connection's codec
     * @param type the event type
     * @param data the data
     * @param scratch where the frame is written
     * @return the frame's length, or -1 when it is not written that way (another codec, rawBuffer, other data)
     */
    public int encodeSmall(WireCodec codec, String type, Object data, byte[] scratch) {
        return config.rawBuffer() ? -1 : encoder(codec).encodeSmall(type, data, scratch);
    }

    /**
     * @param codec a connection's codec
     * @return whether {@link #encodeSmall} may write its frames (a codec that has that path, not rawBuffer)
     */
    public boolean encodesSmall(WireCodec codec) {
        return !config.rawBuffer() && encoder(codec).encodesSmall();
    }

    /**
     * Encodes an event (no request id) for a codec.
     *
     * @param codec the connection's codec
     * @param datagram true for a UDP datagram
     * @param type the event type
     * @param data the data
     * @return the bytes to write
     * @throws IpcException ({@code EDATA}) when the data cannot be written
     */
    public ByteBuffer event(WireCodec codec, boolean datagram, String type, Object data) {
        return encode(codec, datagram, type, data, 0, 0, null, null);
    }

    /**
     * Encodes a message for one codec (in rawBuffer mode: the type as text).
     *
     * @param codec the connection's codec
     * @param datagram true for a UDP datagram (proto: preamble first)
     * @param type event type
     * @param data the data, as for emit
     * @param id request id, 0 for none
     * @param re id replied to, 0 for none
     * @param errCode error code of a failed reply, or null
     * @param errMessage its message
     * @return the bytes to write
     * @throws IpcException ({@code EDATA}) when the data cannot be written
     */
    public ByteBuffer encode(WireCodec codec, boolean datagram, String type, Object data, long id, long re,
            String errCode, String errMessage) {
        if (type == null) {
            throw new IpcException(IpcException.EDATA, "emit: type must not be null");
        }
        if (config.rawBuffer()) {
            return ByteBuffer.wrap(type.getBytes(rawCharset));
        }
        requireType(type);
        return encoder(codec).encode(datagram, type, data, id, re, errCode, errMessage);
    }

    /**
     * Refuses a type no peer accepts, in any codec ({@code proto/README.md}, sections 1 and 7): empty, or not
     * Unicode text (a lone surrogate).
     */
    private static void requireType(String type) {
        if (type.isEmpty()) {
            throw new IpcException(IpcException.EDATA, "emit: type must not be empty");
        }
        try {
            ProtoCodec.requireText(type);
        } catch (IllegalArgumentException e) {
            throw new IpcException(IpcException.EDATA, "emit: type " + e.getMessage(), e);
        }
    }
}
