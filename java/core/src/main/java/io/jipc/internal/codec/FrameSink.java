package io.jipc.internal.codec;

import io.jipc.IpcException;
import io.jipc.internal.codec.proto.ProtoCodec;
import io.jipc.proto.v1.Envelope;

/** Callback for decoded frames, called by a {@link FrameDecoder} on the decoding thread. */
public interface FrameSink {

    /**
     * A complete JSON frame without request/response keys.
     *
     * @param type the frame's "type" string
     * @param data a fresh exact copy of the UTF-8 JSON text of the "data" value (e.g. the bytes {@code "hello"}
     *     including quotes, or {@code {"n":1}}), or null when the frame has no "data" key
     */
    void onFrame(String type, byte[] data);

    /**
     * A complete JSON frame that carries jipc's request/response keys ({@code "id"}, {@code "re"}, {@code "error"}).
     * The default ignores them.
     *
     * @param type the frame's "type" string
     * @param data as for {@link #onFrame(String, byte[])}
     * @param id the request id (1 .. 2^53-1), or 0 when absent or not a valid id
     * @param re the id this frame replies to, or 0
     * @param error the UTF-8 JSON text of the "error" value, or null
     */
    default void onFrame(String type, byte[] data, long id, long re, byte[] error) {
        onFrame(type, data);
    }

    /**
     * A protobuf Envelope of the common shape, taken apart without building it: a type, {@code data} holding a
     * scalar {@code Value} (string, number, bool or null), and the request keys; validated exactly as parsing it
     * would. The default builds the Envelope and calls {@link #onEnvelope}.
     *
     * @param type the event type (non-empty)
     * @param value the serialized {@code google.protobuf.Value} of {@code data} (a copy the sink may keep)
     * @param id the request id, 0 if none
     * @param re the id of the request this answers, 0 if none
     */
    default void onProtoValue(String type, byte[] value, long id, long re) {
        onEnvelope(Envelope.newBuilder().setType(type).setData(ProtoCodec.validatedValue(value)).setId(id).setRe(re)
                .build());
    }

    /**
     * A complete protobuf Envelope (UTF-8 already validated by protobuf, type non-empty).
     *
     * @param envelope the envelope
     */
    default void onEnvelope(Envelope envelope) {
        throw new UnsupportedOperationException("this sink does not take protobuf envelopes");
    }

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
