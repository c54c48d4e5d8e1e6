package io.jipc.internal.codec;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What every stream decoder does around its framing: refuses re-entry from a sink, consumes the input in steps until
 * it is used up or the decoder finished, finishes the decoder when a sink throws, and from then on ignores input and
 * drops what it buffered.
 */
public abstract class StreamDecoder implements FrameDecoder {
    /** Set when a framing error or a sink stopped decoding; later input is ignored. */
    protected boolean finished;
    private boolean decoding;

    /** For subclasses. */
    protected StreamDecoder() {
    }

    @Override
    public final void decode(ByteBuffer src, FrameSink sink) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(sink, "sink");
        if (decoding) {
            throw new IllegalStateException("decode re-entered from a FrameSink");
        }
        decoding = true;
        boolean normal = false;
        try {
            while (!finished && src.hasRemaining()) {
                step(src, sink);
            }
            normal = true;
        } finally {
            decoding = false;
            if (!normal) {
                finished = true;
            }
            if (finished) {
                src.position(src.limit());
                release();
            } else {
                afterDecode();
            }
        }
    }

    /**
     * Consumes some of {@code src} (at least one byte), calling {@code sink} for the frames it completes.
     *
     * @param src the input, with bytes remaining
     * @param sink receives the frames
     */
    protected abstract void step(ByteBuffer src, FrameSink sink);

    /** Drops what is buffered, once the decoder finished. */
    protected abstract void release();

    /** After a call that left the decoder going: e.g. shrink a buffer grown for a large frame. */
    protected void afterDecode() {
    }

    @Override
    public final boolean isFinished() {
        return finished;
    }
}
