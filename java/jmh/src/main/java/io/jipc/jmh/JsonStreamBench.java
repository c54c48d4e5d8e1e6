package io.jipc.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.internal.codec.json.JsonFrameDecoder;
import io.jipc.internal.codec.json.JsonFrameEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The incremental decoder over a stream of {@value #FRAMES} back-to-back frames (64-character string data) arriving
 * in reads of {@code readBytes} bytes, so frames straddle reads as they do on a socket. The score is per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonStreamBench {
    static final int FRAMES = 1000;
    private static final byte[] DELIMITER = {0x0C};

    /** Bytes per simulated read (a socket read returns at most what the reader's buffer holds). */
    @Param({"4096", "65536"})
    public int readBytes;

    private JsonFrameDecoder decoder;
    private byte[] stream;
    private ByteBuffer[] reads;
    private final Counter counter = new Counter();

    /** Counts frames and data bytes so the work is consumed and checked. */
    static final class Counter implements FrameSink {
        long frames;
        long bytes;

        @Override
        public void onFrame(String type, byte[] data, PayloadFormat format, long id, long re, byte[] error) {
            frames++;
            bytes += data.length;
        }

        @Override
        public boolean onMalformed(String code, String reason) {
            throw new IllegalStateException("malformed frame in the benchmark stream: " + reason);
        }
    }

    /** Encodes the stream and cuts it into reads. */
    @Setup(Level.Trial)
    public void setUp() {
        ObjectMapper mapper = new ObjectMapper();
        JsonFrameEncoder encoder = new JsonFrameEncoder(DELIMITER, mapper);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES; i++) {
            all.writeBytes(encoder.encode("message", String.format("%064d", i)));
        }
        stream = all.toByteArray();
        int n = (stream.length + readBytes - 1) / readBytes;
        reads = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            int off = i * readBytes;
            reads[i] = ByteBuffer.wrap(stream, off, Math.min(readBytes, stream.length - off)).slice();
        }
        decoder = new JsonFrameDecoder(DELIMITER, 16 * 1024 * 1024, mapper.getFactory());
        long before = counter.frames;
        decodeStream();
        if (counter.frames - before != FRAMES) {
            throw new IllegalStateException("decoded " + (counter.frames - before) + " frames, expected " + FRAMES);
        }
    }

    /**
     * Decodes the whole stream.
     *
     * @return frames seen so far
     */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long decodeStream() {
        for (ByteBuffer r : reads) {
            r.clear();
            decoder.decode(r, counter);
        }
        return counter.frames;
    }
}
