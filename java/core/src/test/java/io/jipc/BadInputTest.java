package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile or broken input from one peer: an {@code error} event naming the socket and the reason, only that
 * connection closed, every other client still served.
 */
class BadInputTest {
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
        server.on("big", (d, s) -> events.add("big:" + d.asText().length()));
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

    private static void send(SocketChannel ch, byte[] bytes) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void send(SocketChannel ch, String text) throws Exception {
        send(ch, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            byte[] b = p instanceof String ? ((String) p).getBytes(StandardCharsets.UTF_8) : (byte[]) p;
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    /** Reads one reply frame (up to and including the delimiter) from a raw peer. */
    private static String readFrame(SocketChannel ch) throws Exception {
        ByteBuffer reply = ByteBuffer.allocate(256);
        while (reply.position() == 0 || reply.get(reply.position() - 1) != '\f') {
            assertTrue(ch.read(reply) > 0, "connection closed before the reply");
        }
        return new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldRejectJsonNested100000Deep(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()));
        int depth = 100_000;
        byte[] frame = bytes("{\"type\":\"echo\",\"data\":", "[".repeat(depth), "]".repeat(depth), "}\f");
        try (SocketChannel bad = rawPeer()) {
            send(bad, frame);
            String err = next();
            assertTrue(err.startsWith("error:EMALFORMED:2:" + socket(net, 2)), err);
            assertTrue(err.contains("data nested deeper than 33 levels"), err);
            assertEquals("gone:2", next());
        }
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldRejectA2000DigitNumber(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()));
        try (SocketChannel bad = rawPeer()) {
            send(bad, "{\"type\":\"echo\",\"data\":" + "7".repeat(2000) + "}\f");
            String err = next();
            assertTrue(err.startsWith("error:EMALFORMED:2:" + socket(net, 2)), err);
            assertTrue(err.contains("Number value length") && err.contains("1000"), err);
            assertEquals("gone:2", next());
        }
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldAcceptAStringUpToMaxFrameBytesBeyondJacksonsDefaultLimit(Net net) throws Exception {
        // Jackson's default maxStringLength is 20,000,000; jipc sets it to maxFrameBytes
        startServer(net, Net.config("world", Net.tempSocketRoot()).maxFrameBytes(24 * 1024 * 1024));
        int length = 21_000_000;
        try (SocketChannel peer = rawPeer()) {
            send(peer, bytes("{\"type\":\"big\",\"data\":\"", "x".repeat(length), "\"}\f"));
            assertEquals("big:" + length, next());
        }
        assertEquals("gone:2", next());
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldRejectInvalidUtf8InsideAString(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()));
        try (SocketChannel bad = rawPeer()) {
            send(bad, bytes("{\"type\":\"echo\",\"data\":\"ok", new byte[] {(byte) 0xC3, (byte) 0x28}, "\"}\f"));
            String err = next();
            assertTrue(err.startsWith("error:EMALFORMED:2:" + socket(net, 2)), err);
            assertTrue(err.contains("UTF-8") || err.contains("UTF8"), err);
            assertEquals("gone:2", next());
        }
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldRejectNulBytes(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()));
        try (SocketChannel bad = rawPeer()) {
            send(bad, bytes("{\"type\":\"echo\",\"data\":\"a", new byte[] {0}, "b\"}\f"));
            String err = next();
            assertTrue(err.startsWith("error:EMALFORMED:2:" + socket(net, 2)), err);
            assertEquals("gone:2", next());
        }
        try (SocketChannel bad = rawPeer()) {
            send(bad, bytes(new byte[] {0}, "{\"type\":\"echo\",\"data\":\"x\"}\f"));
            String err = next();
            assertTrue(err.startsWith("error:EMALFORMED:3:" + socket(net, 3)), err);
            assertTrue(err.contains("NUL"), err);
            assertEquals("gone:3", next());
        }
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldIgnoreLoneDelimitersAndEmptyFrames(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()));
        try (SocketChannel peer = rawPeer()) {
            send(peer, "\f");
            send(peer, "\f\f\f");
            send(peer, "\f{\"type\":\"echo\",\"data\":\"first\"}\f\f");
            assertEquals("{\"type\":\"echo\",\"data\":\"first\"}\f", readFrame(peer));
            send(peer, "{\"type\":\"echo\",\"data\":\"second\"}\f");
            assertEquals("{\"type\":\"echo\",\"data\":\"second\"}\f", readFrame(peer));
            assertNull(events.poll(), "no error for empty frames");
        }
        assertEquals("gone:2", next());
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldReportAFrameTruncatedByClose(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()));
        try (SocketChannel bad = rawPeer()) {
            send(bad, "{\"type\":\"echo\",\"da");
        }
        String err = next();
        assertTrue(err.startsWith("error:ETRUNCATED:2:" + socket(net, 2)), err);
        assertTrue(err.contains("connection closed inside a frame (18 bytes pending)"), err);
        assertEquals("gone:2", next());
        assertGoodClientStillServed();
    }

    @Test
    void shouldReportAFrameTruncatedByCloseOnTheClientSide() throws Exception {
        String root = Net.tempSocketRoot();
        Path path = Path.of(root, "raw.sock");
        try (ServerSocketChannel raw = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            raw.bind(UnixDomainSocketAddress.of(path));
            Recorder rec = new Recorder();
            ipc(Net.config("hello", root).stopRetrying(true)).connectTo("raw", path.toString(), c -> {
                rec.watch(c);
                c.on("error", d -> rec.add("message:" + d.error().get().getMessage()));
            });
            try (SocketChannel peer = raw.accept()) {
                rec.expect("connect");
                send(peer, "{\"type\":\"x\",\"data\":\"abc");
            }
            rec.expect("error:ETRUNCATED");
            String msg = rec.next();
            assertTrue(msg.contains("connection closed inside a frame (23 bytes pending)"), msg);
            rec.expect("disconnect", "destroy");
        }
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldFlushTheReplyToAValidFrameBeforeClosingForGarbageInTheSameRead(Net net) throws Exception {
        startServer(net, Net.config("world", Net.tempSocketRoot()));
        try (SocketChannel bad = rawPeer()) {
            // one write, so one read on the server: the echo handler replies on the I/O thread before the garbage
            send(bad, "{\"type\":\"echo\",\"data\":\"valid\"}\fgarbage\f");
            assertEquals("{\"type\":\"echo\",\"data\":\"valid\"}\f", readFrame(bad));
            String err = next();
            assertTrue(err.startsWith("error:EMALFORMED:2:" + socket(net, 2)), err);
            assertTrue(err.endsWith("; closing the connection"), err);
            assertEquals("gone:2", next());
            assertEquals(-1, bad.read(ByteBuffer.allocate(64)), "nothing after the reply but the close");
        }
        assertGoodClientStillServed();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldFlushTheClientsReplyBeforeClosingForGarbageInTheSameRead(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        Path path = Path.of(root, "raw.sock");
        try (ServerSocketChannel raw = net == Net.UNIX ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                : ServerSocketChannel.open()) {
            raw.bind(net == Net.UNIX ? UnixDomainSocketAddress.of(path) : new InetSocketAddress("127.0.0.1", 0));
            Recorder rec = new Recorder();
            java.util.function.Consumer<IpcClient> setup = c -> {
                rec.watch(c);
                c.on("ping", d -> c.emit("pong", d.asText()));
            };
            Ipc hello = ipc(Net.config("hello", root).stopRetrying(true));
            if (net == Net.UNIX) {
                hello.connectTo("raw", path.toString(), setup);
            } else {
                hello.connectToNet("raw", "127.0.0.1", ((InetSocketAddress) raw.getLocalAddress()).getPort(), setup);
            }
            try (SocketChannel peer = raw.accept()) {
                rec.expect("connect");
                send(peer, "{\"type\":\"ping\",\"data\":\"valid\"}\fgarbage\f");
                assertEquals("{\"type\":\"pong\",\"data\":\"valid\"}\f", readFrame(peer));
                rec.expect("error:EMALFORMED", "disconnect", "destroy");
                assertEquals(-1, peer.read(ByteBuffer.allocate(64)), "nothing after the reply but the close");
            }
        }
    }

    /** How errors name accepted socket {@code id}: with its peer's address on TCP, by id alone on Unix (no address). */
    private static String socket(Net net, int id) {
        return "socket " + id + (net == Net.UNIX ? ": " : " (");
    }
}
