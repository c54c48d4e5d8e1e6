package io.jipc.internal.codec;

/** Callback for decoded frames, called by {@link JsonFrameDecoder#decode} on the decoding thread. */
public interface FrameSink {

    /**
     * A complete frame.
     *
     * @param type the frame's "type" string
     * @param data a fresh exact copy of the UTF-8 JSON text of the "data" value (e.g. the bytes {@code "hello"}
     *     including quotes, or {@code {"n":1}}), or null when the frame has no "data" key
     */
    void onFrame(String type, byte[] data);

    /**
     * A frame that is malformed, not an envelope, or over the limit.
     *
     * @param reason a short human-readable sentence, e.g. "frame exceeds maxFrameBytes (16777216 bytes)"
     * @return true to skip that frame and go on decoding (node-ipc 9 behaviour), false to stop: decode then returns
     *     at once and the decoder is finished (the caller closes the connection)
     */
    boolean onMalformed(String reason);
}
