package io.jipc.internal.codec;

import io.jipc.IpcException;

/** Callback for decoded frames, called by a {@link FrameDecoder} on the decoding thread. */
public interface FrameSink {

    /**
     * One complete frame, whatever its codec.
     *
     * @param type the event type
     * @param payload the data's bytes in {@code format}, a fresh array the sink may keep; or null when the frame has
     *     no data (node-ipc's {@code undefined})
     * @param format what the payload's bytes are (its codec's instance)
     * @param id the request id (1 .. 2^53-1) when the frame is a request, else 0 (also when the frame's id is not a
     *     valid one)
     * @param re the id of the request this frame answers, else 0
     * @param error the bytes of the failure a reply carries, in its codec (read with
     *     {@link PayloadFormat#remoteError}), or null
     */
    void onFrame(String type, byte[] payload, PayloadFormat format, long id, long re, byte[] error);

    /**
     * The codec of the connection became known (auto detection, before its first frame).
     *
     * @param codec the codec
     */
    default void onCodec(WireCodec codec) {
    }

    /**
     * A frame that is malformed, not an envelope, or over the limit.
     *
     * @param code the error code the decoder gives it: {@link IpcException#EWIRE} (another codec's bytes),
     *     {@link IpcException#EFRAMETOOLARGE}, {@link IpcException#EVERSION} (protocol version) or
     *     {@link IpcException#EMALFORMED}
     * @param reason a short human-readable sentence, e.g. "frame exceeds maxFrameBytes (16777216 bytes)"
     * @return true to skip that frame and go on decoding (node-ipc 9 behaviour), false to stop: decode then returns
     *     at once and the decoder is finished (the caller closes the connection). Framing errors (oversize protobuf
     *     frames, preamble errors) stop whatever is returned
     */
    boolean onMalformed(String code, String reason);

    /** The reason a JSON decoder gives when the stream starts with the jipc protobuf preamble's byte (code EWIRE). */
    String WIRE_PROTO_REASON = "peer speaks jipc protobuf mode (its first byte 0x8f begins the protobuf preamble "
            + "8f 6a 69 70 63, and no JSON frame); this endpoint speaks JSON only (wire=JSON; a server set to wire "
            + "AUTO or PROTO accepts protobuf clients)";

    /**
     * The reason an AUTO server gives when a connection it took as JSON, after {@code wireDetectTimeout} passed
     * without a byte, then starts with the protobuf preamble (code EWIRE; {@code proto/README.md}, section 3.3).
     */
    String LATE_PREAMBLE_REASON = "peer speaks jipc protobuf mode, but its preamble (first byte 0x8f) came after "
            + "wireDetectTimeout, when this connection had already been taken as JSON (node-ipc) and may have been "
            + "sent JSON; a protobuf client sends its preamble as soon as it connects";
}
