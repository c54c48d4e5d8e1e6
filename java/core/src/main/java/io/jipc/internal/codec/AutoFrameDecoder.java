package io.jipc.internal.codec;

import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * A server connection's decoder in AUTO mode: the first byte picks the codec (the preamble's {@code 0x8F}: protobuf,
 * anything else: node-ipc JSON), reported to the sink with {@link FrameSink#onCodec} before any frame; then every byte
 * goes to that codec's decoder. The choice never changes: when {@code wireDetectTimeout} decided JSON before any byte
 * came ({@link #decide}), a protobuf preamble arriving afterwards is refused as late (EWIRE,
 * {@link FrameSink#LATE_PREAMBLE_REASON}), not taken as JSON nor switched to protobuf.
 */
public final class AutoFrameDecoder implements FrameDecoder {
    private final Supplier<? extends FrameDecoder> json;
    private final int maxFrameBytes;
    private FrameDecoder chosen;

    /**
     * @param json makes the JSON decoder, if the connection turns out to be JSON
     * @param maxFrameBytes the limit for a protobuf connection
     */
    public AutoFrameDecoder(Supplier<? extends FrameDecoder> json, int maxFrameBytes) {
        this.json = json;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Decides without waiting for a byte (the detection timeout passed); no-op once decided.
     *
     * @param codec the codec to use from now on
     * @return the codec in effect (the earlier choice if there was one)
     */
    public Codec decide(Codec codec) {
        if (chosen == null) {
            chosen = codec == Codec.PROTO ? new ProtoFrameDecoder(maxFrameBytes, true) : json.get();
            if (chosen instanceof JsonFrameDecoder) {
                // decided before any byte came (by the first byte, it was not the preamble's): a preamble coming
                // first now is a late one, refused as such
                ((JsonFrameDecoder) chosen).lateChoice();
            }
        }
        return codec();
    }

    /** @return the codec chosen, or null while undecided */
    public Codec codec() {
        return chosen == null ? null : chosen instanceof ProtoFrameDecoder ? Codec.PROTO : Codec.JSON;
    }

    @Override
    public void decode(ByteBuffer src, FrameSink sink) {
        if (chosen == null) {
            if (!src.hasRemaining()) {
                return;
            }
            sink.onCodec(decide(src.get(src.position()) == ProtoFrameDecoder.MAGIC0 ? Codec.PROTO : Codec.JSON));
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
