package io.jipc.jmh;

import io.jipc.internal.codec.proto.ProtoCodec;
import io.jipc.internal.codec.proto.ProtoFrameDecoder;
import io.jipc.internal.codec.proto.ProtoPayload;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One length-delimited {@code jipc.v1.Envelope} (type {@code message}) through jipc's protobuf codec: encoding with a
 * string {@code data} Value and with opaque bytes, and decoding such a frame from a byte buffer up to the sink call
 * (a scalar Value under 16 KiB is taken apart by hand; larger ones and opaque payloads are parsed by protobuf-java).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProtoCodecBench {
    /** Characters of string data, or bytes of opaque data. */
    @Param({"64", "1024", "65536"})
    public int size;

    private String text;
    private byte[] bytes;
    private ByteBuffer stringFrame;
    private ByteBuffer opaqueFrame;
    private ProtoFrameDecoder decoder;

    private final LastFrameSink sink = new LastFrameSink();

    /** Builds both frames and checks that they decode. */
    @Setup(Level.Trial)
    public void setUp() {
        text = "x".repeat(size);
        bytes = new byte[size];
        Arrays.fill(bytes, (byte) 7);
        stringFrame = ByteBuffer.wrap(ProtoCodec.simpleFrame("message", text, 0, 0, false));
        opaqueFrame = ByteBuffer.wrap(ProtoCodec.simpleFrame("message", bytes, 0, 0, false));
        decoder = new ProtoFrameDecoder(16 * 1024 * 1024, false);
        decodeString();
        if (sink.malformed != 0 || sink.format != ProtoPayload.VALUE
                || !ProtoCodec.validatedValue(sink.payload).getStringValue().equals(text)) {
            throw new IllegalStateException("the string frame does not decode back as expected");
        }
        decodeOpaque();
        if (sink.format != ProtoPayload.OPAQUE || sink.payload.length != size) {
            throw new IllegalStateException("the opaque frame does not decode back");
        }
    }

    /**
     * Encodes a frame with a string Value (the send path's encoder).
     *
     * @return the frame
     */
    @Benchmark
    public byte[] encodeString() {
        return ProtoCodec.simpleFrame("message", text, 0, 0, false);
    }

    /**
     * Encodes a frame with opaque bytes.
     *
     * @return the frame
     */
    @Benchmark
    public byte[] encodeOpaque() {
        return ProtoCodec.simpleFrame("message", bytes, 0, 0, false);
    }

    /**
     * Decodes the string frame: length, validation, type, a copy of the Value's bytes.
     *
     * @return the type
     */
    @Benchmark
    public String decodeString() {
        stringFrame.clear();
        decoder.decode(stringFrame, sink);
        return sink.type;
    }

    /**
     * Decodes the opaque frame (protobuf-java builds the Envelope).
     *
     * @return the type
     */
    @Benchmark
    public String decodeOpaque() {
        opaqueFrame.clear();
        decoder.decode(opaqueFrame, sink);
        return sink.type;
    }
}
