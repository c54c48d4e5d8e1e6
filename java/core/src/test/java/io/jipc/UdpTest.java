package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** UDP servers ({@code serveNet(host, port, UDP4 | UDP6)}), against each other and against raw datagram sockets. */
class UdpTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Ipc ipc(String id) {
        Ipc ipc = Ipc.create(Net.config(id, "/tmp/"));
        open.add(ipc);
        return ipc;
    }

    static String loopback(UdpType type) {
        return type == UdpType.UDP4 ? "127.0.0.1" : "::1";
    }

    /** True when this machine has an IPv6 loopback that UDP can bind. */
    static boolean hasIpv6Loopback() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            return s.getLocalAddress() instanceof Inet6Address;
        } catch (IOException e) {
            return false;
        }
    }

    private static void assumeFamily(UdpType type) {
        assumeTrue(type == UdpType.UDP4 || hasIpv6Loopback(), "no IPv6 loopback here");
    }

    private DatagramSocket raw(UdpType type) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(loopback(type)), 0));
        s.setSoTimeout(10_000);
        open.add(s);
        return s;
    }

    private static void send(DatagramSocket s, IpcServer to, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(b, b.length, (InetSocketAddress) to.address()));
    }

    private static String receive(DatagramSocket s) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    /** An echo server: replies {@code reply} with the same data to the sender. */
    private IpcServer echoServer(UdpType type, Recorder events) {
        IpcServer server = ipc("world").serveNet(loopback(type), 0, type);
        server.on("start", (d, s) -> events.add("start"));
        server.on("connect", (d, s) -> events.add("connect:" + (s == null ? "null" : s.id())));
        server.on("error", (d, s) -> events.add("error:" + d.error().map(IpcException::code).orElse("?")));
        server.on("message", (data, socket) -> {
            events.add("message:" + data.asText());
            socket.emit("reply", data);
        });
        server.start();
        return server;
    }

    @ParameterizedTest
    @EnumSource(UdpType.class)
    void shouldEchoAndReportTheSenderAsTheSocket(UdpType type) throws Exception {
        assumeFamily(type);
        Recorder events = new Recorder();
        IpcServer server = echoServer(type, events);
        events.expect("start", "connect:null");
        InetSocketAddress bound = (InetSocketAddress) server.address();
        assertEquals(InetAddress.getByName(loopback(type)), bound.getAddress());
        assertTrue(bound.getPort() > 0);

        DatagramSocket peer = raw(type);
        List<IpcSocket> seen = new ArrayList<>();
        server.on("message", (data, socket) -> seen.add(socket));
        send(peer, server, "{\"type\":\"message\",\"data\":\"hello\"}\f");
        assertEquals("{\"type\":\"reply\",\"data\":\"hello\"}\f", receive(peer));
        events.expect("message:hello");
        IpcSocket socket = seen.get(0);
        assertEquals(new InetSocketAddress(peer.getLocalAddress(), peer.getLocalPort()), socket.remoteAddress());
        assertTrue(socket.isOpen());
        assertEquals(List.of(socket), server.sockets());

        send(peer, server, "{\"type\":\"message\",\"data\":{\"id\":\"p1\",\"s\":\"é€\"}}\f");
        assertEquals("{\"type\":\"reply\",\"data\":{\"id\":\"p1\",\"s\":\"é€\"}}\f", receive(peer));
        assertEquals("p1", socket.peerId().orElseThrow());
        assertEquals(1, server.sockets().size(), "one peer, however many datagrams");
    }

    @Test
    void shouldDeliverEveryFrameOfADatagramAndReplyWithOneDatagramPerEmit() throws Exception {
        Recorder events = new Recorder();
        IpcServer server = echoServer(UdpType.UDP4, events);
        DatagramSocket peer = raw(UdpType.UDP4);
        send(peer, server, "{\"type\":\"message\",\"data\":1}\f{\"type\":\"message\",\"data\":2}\f");
        assertEquals("{\"type\":\"reply\",\"data\":1}\f", receive(peer));
        assertEquals("{\"type\":\"reply\",\"data\":2}\f", receive(peer));
        events.await("message:1");
        events.expect("message:2");
    }

    @Test
    void shouldJoinAFrameSplitOverDatagramsOfOnePeer() throws Exception {
        Recorder events = new Recorder();
        IpcServer server = echoServer(UdpType.UDP4, events);
        DatagramSocket a = raw(UdpType.UDP4);
        DatagramSocket b = raw(UdpType.UDP4);
        send(a, server, "{\"type\":\"message\",\"data\":\"no");
        send(b, server, "{\"type\":\"message\",\"data\":\"other\"}\f");
        assertEquals("{\"type\":\"reply\",\"data\":\"other\"}\f", receive(b));
        send(a, server, "delim\"}\f");
        assertEquals("{\"type\":\"reply\",\"data\":\"nodelim\"}\f", receive(a));
    }

    @Test
    void shouldReportAMalformedDatagramAndNothingElse() throws Exception {
        Recorder events = new Recorder();
        IpcServer server = echoServer(UdpType.UDP4, events);
        events.expect("start", "connect:null");
        DatagramSocket peer = raw(UdpType.UDP4);
        send(peer, server, "{oops}\f");
        events.expect("error:EMALFORMED");
        send(peer, server, "{\"type\":\"message\",\"data\":\"after\"}\f");
        assertEquals("{\"type\":\"reply\",\"data\":\"after\"}\f", receive(peer));
        events.expect("message:after");
        send(peer, server, "{\"type\":\"connect\",\"data\":1}\f");
        events.expect("error:ERESERVED");
        assertNull(events.poll(Duration.ofMillis(200)));
    }

    @Test
    void shouldBroadcastToEveryPeerHeardFrom() throws Exception {
        Recorder events = new Recorder();
        IpcServer server = echoServer(UdpType.UDP4, events);
        DatagramSocket a = raw(UdpType.UDP4);
        DatagramSocket b = raw(UdpType.UDP4);
        DatagramSocket silent = raw(UdpType.UDP4);
        silent.setSoTimeout(300);
        for (DatagramSocket s : List.of(a, b)) {
            send(s, server, "{\"type\":\"message\",\"data\":\"hi\"}\f");
            receive(s);
        }
        assertEquals(2, server.sockets().size());
        server.broadcast("news", java.util.Map.of("n", 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("{\"type\":\"news\",\"data\":{\"n\":1}}\f", receive(a));
        assertEquals("{\"type\":\"news\",\"data\":{\"n\":1}}\f", receive(b));
        try {
            receive(silent);
            throw new AssertionError("a peer never heard from received the broadcast");
        } catch (SocketTimeoutException expected) {
            // only peers heard from receive broadcasts
        }

        server.sockets().get(0).close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.broadcast("news", 2).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("{\"type\":\"news\",\"data\":2}\f", receive(b));
        assertEquals(1, server.sockets().size());
    }

    /**
     * UDP has no close: senders that are gone (one-shot tools on ephemeral ports) must not fill the peer table for
     * good. A live peer that speaks after the table filled takes the place of the one heard from longest ago, gets
     * broadcasts, and the table never holds more than maxConnections peers.
     */
    @Test
    void shouldReplaceThePeerHeardFromLongestAgoWhenThePeerTableIsFull() throws Exception {
        Ipc ipc = Ipc.create(Net.config("world", "/tmp/").maxConnections(3));
        open.add(ipc);
        IpcServer server = ipc.serveNet("127.0.0.1", 0, UdpType.UDP4);
        server.on("message", (data, socket) -> socket.emit("reply", data));
        server.start();
        for (int i = 0; i < 10; i++) {
            try (DatagramSocket gone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                gone.setSoTimeout(10_000);
                send(gone, server, "{\"type\":\"message\",\"data\":" + i + "}\f");
                assertEquals("{\"type\":\"reply\",\"data\":" + i + "}\f", receive(gone));
            }
        }
        assertEquals(3, server.sockets().size(), "at most maxConnections peers are remembered");

        DatagramSocket live = raw(UdpType.UDP4);
        send(live, server, "{\"type\":\"message\",\"data\":\"hi\"}\f");
        assertEquals("{\"type\":\"reply\",\"data\":\"hi\"}\f", receive(live));
        List<IpcSocket> remembered = server.sockets();
        assertEquals(3, remembered.size());
        InetSocketAddress liveAddress = new InetSocketAddress(live.getLocalAddress(), live.getLocalPort());
        assertEquals(liveAddress, remembered.get(2).remoteAddress(), "the live peer is remembered, last heard");
        server.broadcast("news", 1).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("{\"type\":\"news\",\"data\":1}\f", receive(live));

        // a remembered peer that speaks again is heard from most recently: new senders replace the others first
        DatagramSocket other = raw(UdpType.UDP4);
        send(live, server, "{\"type\":\"message\",\"data\":\"again\"}\f");
        receive(live);
        for (int i = 0; i < 2; i++) {
            try (DatagramSocket gone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                gone.setSoTimeout(10_000);
                send(gone, server, "{\"type\":\"message\",\"data\":" + i + "}\f");
                receive(gone);
            }
        }
        assertTrue(server.sockets().stream().anyMatch(s -> liveAddress.equals(s.remoteAddress())),
                "the peer heard from most recently stays: " + server.sockets());
        send(live, server, "{\"type\":\"message\",\"data\":\"still here\"}\f");
        receive(live);
        send(other, server, "{\"type\":\"message\",\"data\":\"o\"}\f");
        receive(other);
        assertEquals(3, server.sockets().size());
        server.broadcast("news", 2).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("{\"type\":\"news\",\"data\":2}\f", receive(live));
        assertEquals("{\"type\":\"news\",\"data\":2}\f", receive(other));
    }

    @Test
    void shouldFailAnOversizeDatagramNamingItsSize() throws Exception {
        IpcServer server = echoServer(UdpType.UDP4, new Recorder());
        DatagramSocket peer = raw(UdpType.UDP4);
        InetSocketAddress to = new InetSocketAddress(peer.getLocalAddress(), peer.getLocalPort());
        String big = "x".repeat(70_000);
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> server.emit(to, "big", big).toCompletableFuture().join());
        IpcException cause = assertInstanceOf(IpcException.class, e.getCause());
        assertEquals("EMSGSIZE", cause.code());
        assertTrue(cause.getMessage().contains("70025 bytes"), cause.getMessage());
        assertTrue(cause.getMessage().contains("65507"), cause.getMessage());

        String fits = "y".repeat(65_507 - "{\"type\":\"big\",\"data\":\"\"}\f".length());
        server.emit(to, "big", fits).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(65_507, receive(peer).length());
    }

    @Test
    void shouldLetTwoUdpServersTalkAsInNodeIpcsExample() throws Exception {
        IpcServer world = ipc("world").serveNet("127.0.0.1", 0, UdpType.UDP4);
        world.on("message", (data, socket) -> socket.emit("message", data.asText() + " world!"));
        world.start();

        Recorder got = new Recorder();
        IpcServer hello = ipc("hello").serveNet("127.0.0.1", 0, UdpType.UDP4);
        hello.on("message", (data, socket) -> got.add(data.asText() + " from " + socket.remoteAddress()));
        hello.start();
        int worldPort = ((InetSocketAddress) world.address()).getPort();
        hello.emit(InetSocketAddress.createUnresolved("localhost", worldPort), "message", "hello");
        assertEquals("hello world! from /127.0.0.1:" + worldPort, got.next());
    }

    @Test
    void shouldFailToBindATakenPortAndEmitWhenNotListening() {
        IpcServer first = echoServer(UdpType.UDP4, new Recorder());
        int port = ((InetSocketAddress) first.address()).getPort();
        IpcServer second = ipc("other").serveNet("127.0.0.1", port, UdpType.UDP4);
        IpcException e = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class, second::start);
        assertEquals("EADDRINUSE", e.code());
        first.stop();
        CompletionException c = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> first.emit(new InetSocketAddress("127.0.0.1", 9), "x", 1).toCompletableFuture().join());
        assertEquals("ENOTCONNECTED", ((IpcException) c.getCause()).code());
    }
}
