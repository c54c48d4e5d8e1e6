package io.jipc.internal.codec.json;

import io.jipc.internal.codec.CodecContext;
import io.jipc.internal.codec.FrameDecoder;
import io.jipc.internal.codec.FrameEncoder;
import io.jipc.internal.codec.WireCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * node-ipc's JSON frames, each ended by the configured delimiter. No preamble: a JSON peer is known only by not being
 * another codec's, which makes this the registry's fallback.
 */
public final class JsonWireCodec implements WireCodec {
    /** The codec. */
    public static final JsonWireCodec INSTANCE = new JsonWireCodec();

    private JsonWireCodec() {
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public FrameDecoder newDecoder(CodecContext ctx, boolean accepting) {
        return new JsonFrameDecoder(ctx.config().delimiter().getBytes(StandardCharsets.UTF_8),
                ctx.config().maxFrameBytes(), ctx.jsonFactory());
    }

    @Override
    public FrameEncoder newEncoder(CodecContext ctx) {
        return new JsonMessageEncoder(ctx);
    }

    /** Anything may begin a JSON stream (node-ipc sends no preamble); the registry asks this codec last. */
    @Override
    public boolean detect(ByteBuffer first) {
        return true;
    }

    @Override
    public String toString() {
        return "JSON";
    }
}
