package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bad peers close only their own connection; the server and every other client go on. */
class FaultTest {
    private final List<Ipc> open = new ArrayList<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private IpcServer server;
    private IpcClient good;
    private final BlockingQueue<String> goodGot = new LinkedBlockingQueue<>();

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    @AfterEach
    void closeAll() {
        open.forEach(Ipc::close);
    }

    private void startServer(Net net, IpcConfig config) throws Exception {
        String root = config.socketRoot();
        server = net.serve(ipc(config));
        server.on("echo", (d, s) -> s.emit("echo", d));
        server.on("error", (d, s) -> events.add("error:" + d.error().get().code() + ":" + (s == null ? "-" : s.id())
                + ":" + d.error().get().getMessage()));
        server.on("socket.disconnected", (d, s) -> events.add("gone:" + s.id()));
        server.start();
        good = net.connect(ipc(Net.config("good", root)), "world", server);
        good.on("echo", d -> goodGot.add(d.asText()));
        good.emit("echo", "before");
        assertEquals("before", goodGot.poll(10, TimeUnit.SECONDS));
    }

    private void assertGoodClientStillServed() throws Exception {
        good.emit("echo", "after");
        assertEquals("after", goodGot.poll(10, TimeUnit.SECONDS));
        assertTrue(server.isListening());
    }

    private String next() throws InterruptedException {
        String e = events.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no server event within 10 s");
        }
        return e;
    }

    private SocketChannel rawPeer() throws Exception {
        return SocketChannel.open(server.address());
    }

    private static void send(SocketChannel ch, String text) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldSurviveAClientDyingMidFrame(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()));
        try (SocketChannel bad = rawPeer()) {
            send(bad, "{\"type\":\"echo\",\"da");
        }
        String err = next();
        assertTrue(err.startsWith("error:ETRUNCATED:2:socket 2"), err);
        assertEquals("gone:2", next());
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldCloseOnlyTheConnectionThatSentAMalformedFrame(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()));
        try (SocketChannel bad = rawPeer()) {
            send(bad, "{not json}\f");
            String err = next();
            assertTrue(err.startsWith("error:EMALFORMED:2:socket 2"), err);
            assertEquals("gone:2", next());
            assertEquals(-1, bad.read(ByteBuffer.allocate(16)), "the server closed the bad connection");
        }
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldSkipAMalformedFrameWhenConfiguredLikeNodeIpc9(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()).skipMalformedFrames(true));
        try (SocketChannel bad = rawPeer()) {
            send(bad, "{not json}\f{\"type\":\"echo\",\"data\":\"still here\"}\f");
            String err = next();
            assertTrue(err.startsWith("error:EMALFORMED:2"), err);
            ByteBuffer reply = ByteBuffer.allocate(64);
            while (reply.position() == 0 || reply.get(reply.position() - 1) != '\f') {
                assertTrue(bad.read(reply) > 0, "connection closed before the reply");
            }
            assertEquals("{\"type\":\"echo\",\"data\":\"still here\"}\f",
                    new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
        }
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldCloseAConnectionSendingAnOversizeFrame(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()).maxFrameBytes(1024));
        try (SocketChannel bad = rawPeer()) {
            send(bad, "{\"type\":\"echo\",\"data\":\"" + "x".repeat(8192));
            String err = next();
            assertTrue(err.startsWith("error:EFRAMETOOLARGE:2"), err);
            assertTrue(err.contains("1024"), err);
            assertEquals("gone:2", next());
        }
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldRefuseBuiltInEventNamesFromPeers(Net net) throws Exception {
        BlockingQueue<String> spoofed = new LinkedBlockingQueue<>();
        startServer(net, Net.config("world", Net.tempSocketRoot()));
        server.on("connect", (d, s) -> {
            if (d.hasData()) {
                spoofed.add(d.asText());
            }
        });
        try (SocketChannel bad = rawPeer()) {
            send(bad, "{\"type\":\"connect\",\"data\":\"spoof\"}\f");
            String err = next();
            assertTrue(err.startsWith("error:ERESERVED:2"), err);
            assertEquals("gone:2", next());
        }
        assertEquals(0, spoofed.size(), "a spoofed connect reached the handler");
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldCloseASlowLorisPeerAfterThePartialFrameTimeout(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()).partialFrameTimeout(Duration.ofMillis(300)));
        String frame = "{\"type\":\"echo\",\"data\":\"" + "x".repeat(1000) + "\"}\f";
        try (SocketChannel slow = rawPeer()) {
            slow.configureBlocking(false);
            ByteBuffer probe = ByteBuffer.allocate(16);
            int sent = 0;
            // one byte every 20 ms; the frame would take 20 s, the timeout closes the connection long before
            while (sent < frame.length()) {
                try {
                    // a close with bytes unread may reach this side as a reset rather than end of stream
                    if (slow.read(probe) < 0) {
                        break;
                    }
                    send(slow, frame.substring(sent, sent + 1));
                } catch (java.io.IOException closedByServer) {
                    break;
                }
                sent++;
                Thread.sleep(20);
            }
            assertTrue(sent < frame.length(), "the server read a whole frame sent at one byte per 20 ms");
            String err = next();
            assertTrue(err.startsWith("error:ETIMEDOUT:2:socket 2"), err);
            assertTrue(err.contains("bytes pending") && err.contains("partialFrameTimeout"), err);
            assertEquals("gone:2", next());
        }
        assertGoodClientStillServed();
    }
}
