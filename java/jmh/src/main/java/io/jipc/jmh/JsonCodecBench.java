package io.jipc.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.internal.codec.FrameBuffer;
import io.jipc.internal.codec.json.JsonFrameDecoder;
import io.jipc.internal.codec.json.JsonFrameEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One node-ipc JSON frame ({@code {"type":"message","data":"xxx…"}\f}, data a string of {@code size} ASCII
 * characters) through jipc's encoder and decoder, as the I/O path uses them: encoding into a reused buffer, decoding
 * from a byte buffer into (type, raw data bytes), and decoding plus binding the data to a Java value (what a handler
 * calling {@code message.as(String.class)} adds).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonCodecBench {
    private static final byte[] DELIMITER = {0x0C};

    /** Characters of string data in the frame. */
    @Param({"64", "1024", "65536"})
    public int size;

    private ObjectMapper mapper;
    private JsonFrameEncoder encoder;
    private JsonFrameDecoder decoder;
    private FrameBuffer out;
    private String data;
    private byte[] frame;
    private ByteBuffer in;

    private final LastFrameSink sink = new LastFrameSink();

    /** Builds the codec and one encoded frame, and checks it decodes back. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        mapper = new ObjectMapper();
        encoder = new JsonFrameEncoder(DELIMITER, mapper);
        decoder = new JsonFrameDecoder(DELIMITER, 16 * 1024 * 1024, mapper.getFactory());
        out = new FrameBuffer(size + 64);
        data = "x".repeat(size);
        frame = encoder.encode("message", data);
        in = ByteBuffer.wrap(frame);
        decodeBind();
        if (!data.equals(mapper.readValue(sink.payload, String.class)) || sink.malformed != 0) {
            throw new IllegalStateException("the frame does not decode back to its data");
        }
    }

    /**
     * Encodes one frame into a reused buffer (the send path).
     *
     * @return the frame length
     */
    @Benchmark
    public int encode() {
        out.reset();
        encoder.encodeTo("message", data, out);
        return out.length();
    }

    /**
     * Encodes one frame into a new array ({@code socket.emit} when the frame is queued for later).
     *
     * @return the frame
     */
    @Benchmark
    public byte[] encodeToArray() {
        return encoder.encode("message", data);
    }

    /**
     * Splits and validates one frame: the receive path up to a handler.
     *
     * @param bh consumes the result
     */
    @Benchmark
    public void decode(Blackhole bh) {
        in.clear();
        decoder.decode(in, sink);
        bh.consume(sink.type);
        bh.consume(sink.payload);
    }

    /**
     * Decodes one frame and binds its data to a String, as a handler's {@code message.as(String.class)} does.
     *
     * @return the data
     * @throws IOException never, for a valid frame
     */
    @Benchmark
    public String decodeBind() throws IOException {
        in.clear();
        decoder.decode(in, sink);
        return mapper.readValue(sink.payload, String.class);
    }
}
