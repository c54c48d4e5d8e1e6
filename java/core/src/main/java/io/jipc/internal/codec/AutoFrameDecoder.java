package io.jipc.internal.codec;

import java.nio.ByteBuffer;

/**
 * A server connection's decoder in AUTO mode: the first byte picks the codec (the registry's {@link Codecs#detect}:
 * e.g. the protobuf preamble's {@code 0x8F}, anything else node-ipc JSON), reported to the sink with
 * {@link FrameSink#onCodec} before any frame; then every byte goes to that codec's decoder. The choice never changes:
 * when {@code wireDetectTimeout} decided before any byte came ({@link #decide}), the chosen decoder is told so
 * ({@link FrameDecoder#decidedBeforeFirstByte}; the JSON decoder then refuses a protobuf preamble as late, EWIRE).
 */
public final class AutoFrameDecoder implements FrameDecoder {
    private final Codecs codecs;
    private final CodecContext ctx;
    private WireCodec codec;
    private FrameDecoder chosen;

    /**
     * @param codecs the codecs to detect, in order
     * @param ctx what the chosen codec's decoder is made with
     */
    public AutoFrameDecoder(Codecs codecs, CodecContext ctx) {
        this.codecs = codecs;
        this.ctx = ctx;
    }

    /**
     * Decides without waiting for a byte (the detection timeout passed); no-op once decided.
     *
     * @param c the codec to use from now on
     * @return the codec in effect (the earlier choice if there was one)
     */
    public WireCodec decide(WireCodec c) {
        if (chosen == null) {
            choose(c);
            chosen.decidedBeforeFirstByte();
        }
        return codec;
    }

    private void choose(WireCodec c) {
        codec = c;
        chosen = c.newDecoder(ctx, true);
    }

    /** @return the codec chosen, or null while undecided */
    public WireCodec codec() {
        return codec;
    }

    @Override
    public void decode(ByteBuffer src, FrameSink sink) {
        if (chosen == null) {
            if (!src.hasRemaining()) {
                return;
            }
            choose(codecs.detect(src));
            sink.onCodec(codec);
        }
        chosen.decode(src, sink);
    }

    @Override
    public int pendingBytes() {
        return chosen == null ? 0 : chosen.pendingBytes();
    }

    @Override
    public boolean isFinished() {
        return chosen != null && chosen.isFinished();
    }
}
