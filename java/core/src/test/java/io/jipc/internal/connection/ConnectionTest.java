package io.jipc.internal.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.Message;
import io.jipc.internal.IpcRuntime;
import io.jipc.internal.codec.json.JsonWireCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Connection} on its own, as a UDP peer's (no channel, no I/O thread): the sink's peer id, reserved-name check
 * and protocol-error wording, and the codec taken from each datagram.
 */
class ConnectionTest {

    /** Records what a connection tells its owner. */
    private static final class Recorder implements Connection.Owner {
        final List<Message> events = new ArrayList<>();

        @Override
        public void onConnectionOpen(Connection connection) {
            throw new AssertionError("datagrams do not open");
        }

        @Override
        public void onEvent(String type, Message message) {
            events.add(message);
        }

        @Override
        public void onConnectionClose(Connection connection, Throwable cause) {
            throw new AssertionError("datagrams do not close");
        }
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRememberTheIdAPeerGivesAndAnswerInTheCodecItSpoke() {
        IpcRuntime rt = new IpcRuntime(IpcConfig.defaults().id("t").validate().copy(), (id, c) -> { });
        Recorder owner = new Recorder();
        Connection c = Connection.datagramPeer(rt, owner, () -> "udp4 peer 127.0.0.1:9");
        c.receiveDatagram(text("{\"type\":\"hello\",\"data\":{\"id\":\"alice\",\"n\":1}}\f"));
        assertEquals(1, owner.events.size());
        assertEquals("hello", owner.events.get(0).type());
        assertEquals("alice", c.peerId());
        assertEquals(JsonWireCodec.INSTANCE, c.codec());
        rt.close();
    }

    @Test
    void shouldReportABuiltInNameFromAPeerAndGoOnWithTheDatagram() {
        IpcRuntime rt = new IpcRuntime(IpcConfig.defaults().id("t").validate().copy(), (id, c) -> { });
        Recorder owner = new Recorder();
        Connection c = Connection.datagramPeer(rt, owner, () -> "udp4 peer 127.0.0.1:9");
        c.receiveDatagram(text("{\"type\":\"connect\",\"data\":1}\f{\"type\":\"after\",\"data\":2}\f"));
        assertEquals(2, owner.events.size(), owner.events.toString());
        Message error = owner.events.get(0);
        assertEquals("error", error.type());
        IpcException e = error.error().orElseThrow();
        assertEquals(IpcException.ERESERVED, e.code());
        assertTrue(e.getMessage().startsWith("udp4 peer 127.0.0.1:9: peer sent the built-in event name 'connect'"),
                e.getMessage());
        assertEquals("after", owner.events.get(1).type(), "a refused frame ends no datagram");
        rt.close();
    }
}
