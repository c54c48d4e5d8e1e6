package io.jipc.internal.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jipc.IpcConfig;
import io.jipc.internal.IpcRuntime;
import io.jipc.internal.codec.json.JsonWireCodec;
import io.jipc.internal.codec.proto.ProtoWireCodec;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Broadcast encodes once per codec in use, not once per socket. */
class OutboundMessageTest {
    /** Counts how often it is serialised. */
    public static final class Counted {
        static final AtomicInteger READS = new AtomicInteger();

        public int getN() {
            READS.incrementAndGet();
            return 1;
        }
    }

    @Test
    void shouldEncodeOncePerCodec() {
        IpcRuntime rt = new IpcRuntime(IpcConfig.defaults().id("t").validate().copy(), (id, c) -> { });
        OutboundMessage out = new OutboundMessage(rt.encoder(), "news", new Counted(), 0);
        ByteBuffer first = null;
        for (int socket = 0; socket < 100; socket++) {
            ByteBuffer json = out.get(JsonWireCodec.INSTANCE, false);
            if (first == null) {
                first = json;
            }
            assertSame(first.array(), json.array(), "one JSON frame shared by every JSON socket");
            out.get(ProtoWireCodec.INSTANCE, false);
        }
        assertEquals(2, Counted.READS.get(), "serialised once for JSON and once for protobuf");
        assertEquals("{\"type\":\"news\",\"data\":{\"n\":1}}\f", new String(first.array(),
                java.nio.charset.StandardCharsets.UTF_8));
        assertSame(out.get(ProtoWireCodec.INSTANCE, false).array(), out.get(ProtoWireCodec.INSTANCE, false).array());
        rt.close();
    }
}
