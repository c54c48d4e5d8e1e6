package io.jipc.internal.codec;

import java.nio.ByteBuffer;

/**
 * Encodes what a user emits, requests or replies into one frame of a codec. One per codec and {@code Ipc} instance
 * ({@link WireCodec#newEncoder}); thread-safe. The caller has refused a null, empty or non-text type already and
 * handles rawBuffer mode itself.
 */
public interface FrameEncoder {

    /**
     * @param datagram true for a UDP datagram (a codec may frame those differently)
     * @param type the event type
     * @param data the data, as for emit
     * @param id request id, 0 for none
     * @param re id replied to, 0 for none
     * @param errCode error code of a failed reply, or null
     * @param errMessage its message
     * @return the bytes to write
     * @throws io.jipc.IpcException ({@code EDATA}) when the data cannot be written in this codec
     */
    ByteBuffer encode(boolean datagram, String type, Object data, long id, long re, String errCode,
            String errMessage);

    /**
     * Encodes a small event frame straight into a caller's array, when the codec has such a path.
     *
     * @param type the event type
     * @param data the data
     * @param scratch where the frame is written
     * @return the frame's length, or -1 when it is not written that way (the caller encodes it with {@link #encode})
     */
    default int encodeSmall(String type, Object data, byte[] scratch) {
        return -1;
    }

    /** @return whether {@link #encodeSmall} may write frames at all */
    default boolean encodesSmall() {
        return false;
    }
}
