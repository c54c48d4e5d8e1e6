package io.jipc.internal.codec.proto;

import io.jipc.IpcException;
import io.jipc.internal.codec.CodecContext;
import io.jipc.internal.codec.FrameDecoder;
import io.jipc.internal.codec.FrameEncoder;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.WireCodec;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * jipc's protobuf mode ({@code proto/README.md}): the client's 6-byte preamble, then length-delimited
 * {@code jipc.v1.Envelope}s; over UDP, one preamble and one envelope per datagram. Known by the preamble's first byte.
 */
public final class ProtoWireCodec implements WireCodec {
    /** The codec. */
    public static final ProtoWireCodec INSTANCE = new ProtoWireCodec();

    private ProtoWireCodec() {
    }

    @Override
    public String name() {
        return "proto";
    }

    @Override
    public FrameDecoder newDecoder(CodecContext ctx, boolean accepting) {
        return new ProtoFrameDecoder(ctx.config().maxFrameBytes(), accepting);
    }

    @Override
    public FrameDecoder newDatagramDecoder(CodecContext ctx) {
        return new Datagrams(ctx.config().maxFrameBytes());
    }

    @Override
    public FrameEncoder newEncoder(CodecContext ctx) {
        return new ProtoMessageEncoder(ctx);
    }

    @Override
    public boolean detect(ByteBuffer first) {
        return first.get(first.position()) == ProtoFrameDecoder.MAGIC0;
    }

    @Override
    public byte[] clientHello() {
        return ProtoFrameDecoder.preamble();
    }

    @Override
    public String toString() {
        return "PROTO";
    }

    /** Each call one whole datagram: the preamble and one envelope ({@link ProtoFrameDecoder#decodeDatagram}). */
    private static final class Datagrams implements FrameDecoder {
        private final int maxFrameBytes;

        Datagrams(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
        }

        @Override
        public void decode(ByteBuffer src, FrameSink sink) {
            Objects.requireNonNull(sink, "sink");
            if (!src.hasRemaining() || src.get(src.position()) != ProtoFrameDecoder.MAGIC0) {
                src.position(src.limit());
                sink.onMalformed(IpcException.EMALFORMED, "expected the jipc preamble (8f 6a 69 70 63 01): this "
                        + "server takes protobuf datagrams only (wire PROTO)");
                return;
            }
            ProtoFrameDecoder.decodeDatagram(src, maxFrameBytes, sink);
        }

        @Override
        public int pendingBytes() {
            return 0;
        }

        @Override
        public boolean isFinished() {
            return false;
        }
    }
}
