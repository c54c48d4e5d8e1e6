package io.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.StreamReadConstraints;
import io.jipc.IpcConfig;
import io.jipc.internal.codec.proto.ProtoCodec;
import org.junit.jupiter.api.Test;

/** The runtime's JSON limits are set deliberately, not left to Jackson's defaults. */
class ReadConstraintsTest {
    @Test
    void shouldHoldPeersToExplicitJacksonLimits() {
        IpcRuntime rt = new IpcRuntime(IpcConfig.defaults().maxFrameBytes(1234567).validate(), (id, c) -> { });
        try {
            StreamReadConstraints c = rt.factory.streamReadConstraints();
            assertEquals(1 + ProtoCodec.MAX_DATA_DEPTH, c.getMaxNestingDepth(), "envelope + data");
            assertEquals(1000, c.getMaxNumberLength());
            assertEquals((1234567 + 2) / 3 * 4, c.getMaxStringLength(), "base64 of a whole frame");
            assertEquals(c, rt.mapper.getFactory().streamReadConstraints());
        } finally {
            rt.close();
        }
    }
}
