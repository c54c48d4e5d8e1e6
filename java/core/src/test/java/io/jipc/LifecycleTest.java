package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LifecycleTest {
    private final List<Ipc> open = new ArrayList<>();

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    @AfterEach
    void closeAll() {
        open.forEach(Ipc::close);
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldFireServerEventsInNodeIpcOrder(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        Recorder rec = new Recorder();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        server.on("start", (d, s) -> rec.add("start"));
        server.on("connect", (d, s) -> rec.add("connect:" + s.id()));
        server.on("hello", (d, s) -> rec.add("hello:" + d.asText()));
        server.on("socket.disconnected", (d, s) -> rec.add("socket.disconnected:" + s.id() + ":" + d.asText()));
        server.start();
        rec.expect("start");

        IpcClient client = net.connect(ipc(Net.config("hello", root)), "world", server);
        client.emit("hello", java.util.Map.of("id", "client-1"));
        rec.expect("connect:1", "hello:{\"id\":\"client-1\"}");
        client.disconnect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        rec.expect("socket.disconnected:1:client-1");
        assertEquals(0, server.sockets().size());
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldReconnectAfterServerRestart(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        Ipc serverIpc = ipc(Net.config("world", root));
        IpcServer server = net.serve(serverIpc);
        server.on("ping", (d, s) -> s.emit("pong", d));
        server.start();
        int port = net == Net.TCP ? Net.port(server) : 0;

        Recorder rec = new Recorder();
        IpcClient client = net.connect(ipc(Net.config("hello", root)), "world", server, rec::watch);
        client.on("pong", d -> rec.add("pong:" + d.asText()));
        rec.expect("connect");
        client.emit("ping", "1");
        rec.expect("pong:1");

        server.stop();
        rec.expect("disconnect");
        assertEquals(ConnectionState.DISCONNECTED, client.state());
        CompletionException notConnected = assertThrows(CompletionException.class,
                () -> client.emit("ping", "lost").toCompletableFuture().join());
        assertEquals("ENOTCONNECTED", ((IpcException) notConnected.getCause()).code());

        IpcServer again = net.serve(serverIpc, port);
        again.on("ping", (d, s) -> s.emit("pong", d));
        again.start();
        rec.await("connect");
        assertEquals(ConnectionState.CONNECTED, client.state());
        client.emit("ping", "2");
        rec.await("pong:2");
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldDestroyAfterMaxRetries(Net net) throws Exception {
        Net.assumeRefusedTcpConnectVisible(net);
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        server.start();
        Recorder rec = new Recorder();
        Ipc clientIpc = ipc(Net.config("hello", root).maxRetries(2));
        IpcClient client = net.connect(clientIpc, "world", server, rec::watch);
        rec.expect("connect");
        server.stop();
        // close -> disconnect; retry 1 refused -> error, disconnect; retry 2 refused -> error, disconnect, destroy
        rec.expect("disconnect");
        String refused = rec.next();
        assertTrue(refused.equals("error:ENOENT") || refused.equals("error:ECONNREFUSED"), refused);
        rec.expect("disconnect", refused, "disconnect", "destroy");
        assertEquals(ConnectionState.DESTROYED, client.state());
        assertThrows(IpcException.class, () -> clientIpc.of("world"));
        assertNull(rec.poll(Duration.ofMillis(300)), "no event after destroy");
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldNotRetryWhenStopRetrying(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        server.start();
        Recorder rec = new Recorder();
        IpcClient client = net.connect(ipc(Net.config("hello", root).stopRetrying(true)), "world",
                server, rec::watch);
        rec.expect("connect");
        server.stop();
        rec.expect("disconnect", "destroy");
        assertEquals(ConnectionState.DESTROYED, client.state());
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldReportRefusedConnectionsAndRetry(Net net) throws Exception {
        Net.assumeRefusedTcpConnectVisible(net);
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        server.start();
        int port = net == Net.TCP ? Net.port(server) : 0;
        server.stop();
        Recorder rec = new Recorder();
        Ipc clientIpc = ipc(Net.config("hello", root).maxRetries(1));
        if (net == Net.UNIX) {
            clientIpc.connectTo("world", rec::watch);
        } else {
            clientIpc.connectToNet("world", "127.0.0.1", port, rec::watch);
        }
        String first = rec.next();
        assertTrue(first.equals("error:ENOENT") || first.equals("error:ECONNREFUSED"), first);
        rec.expect("disconnect", first, "disconnect", "destroy");
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldRefuseConnectionsOverMaxConnections(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root).maxConnections(2)));
        BlockingQueue<String> joined = new LinkedBlockingQueue<>();
        server.on("connect", (d, s) -> joined.add(s.id()));
        server.start();
        Recorder r1 = new Recorder();
        Recorder r2 = new Recorder();
        Recorder r3 = new Recorder();
        net.connect(ipc(Net.config("c1", root)), "world", server, r1::watch);
        r1.expect("connect");
        net.connect(ipc(Net.config("c2", root)), "world", server, r2::watch);
        r2.expect("connect");
        assertEquals("1", joined.poll(10, TimeUnit.SECONDS));
        assertEquals("2", joined.poll(10, TimeUnit.SECONDS));
        IpcClient third = net.connect(ipc(Net.config("c3", root).stopRetrying(true)), "world", server, r3::watch);
        r3.await("destroy");
        assertEquals(ConnectionState.DESTROYED, third.state());
        assertEquals(2, server.sockets().size());
        assertNull(joined.poll(200, TimeUnit.MILLISECONDS), "the third connection was admitted");
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldFlushEverythingEmittedBeforeDisconnect(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        server.on("n", (d, s) -> got.add(d.json().intValue()));
        server.start();
        Ipc clientIpc = ipc(Net.config("hello", root));
        IpcClient client = net.connect(clientIpc, "world", server);
        String big = "x".repeat(64 * 1024);
        int n = 500;
        for (int i = 0; i < n; i++) {
            client.emit("n", i);
            client.emit("pad", big);
        }
        clientIpc.disconnect("world").toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            assertEquals(i, got.poll(10, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldSendOneAtATimeInSyncMode(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root)));
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        BlockingQueue<IpcSocket> sockets = new LinkedBlockingQueue<>();
        server.on("req", (d, s) -> {
            got.add(d.asText());
            sockets.add(s);
        });
        server.start();
        IpcClient client = net.connect(ipc(Net.config("hello", root).sync(true)), "world", server);
        client.emit("req", "a");
        client.emit("req", "b");
        client.emit("req", "c");
        assertEquals("a", got.poll(10, TimeUnit.SECONDS));
        assertNull(got.poll(300, TimeUnit.MILLISECONDS), "b was sent before a was answered");
        sockets.take().emit("ack", "a");
        assertEquals("b", got.poll(10, TimeUnit.SECONDS));
        assertNull(got.poll(300, TimeUnit.MILLISECONDS), "c was sent before b was answered");
        sockets.take().emit("ack", "b");
        assertEquals("c", got.poll(10, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldPassRawChunksInRawBufferMode(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root).rawBuffer(true)));
        StringBuilder seen = new StringBuilder();
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        server.on("data", (d, s) -> {
            synchronized (seen) {
                seen.append(d.asText());
                if (seen.toString().endsWith("!")) {
                    got.add(seen.toString());
                    s.write("pong".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        });
        server.start();
        BlockingQueue<String> back = new LinkedBlockingQueue<>();
        IpcClient client = net.connect(ipc(Net.config("hello", root).rawBuffer(true)), "world", server,
                c -> c.on("data", d -> back.add(d.asText())));
        client.emit("hello", "ignored data").toCompletableFuture().get(10, TimeUnit.SECONDS);
        client.write(new byte[] {' ', 'r', 'a', 'w', '!'});
        assertEquals("hello raw!", got.poll(10, TimeUnit.SECONDS));
        assertEquals("pong", back.poll(10, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldUseACustomDelimiter(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root).delimiter("<EOM>")));
        server.on("m", (d, s) -> s.emit("m", d.asText() + "!"));
        server.start();
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        IpcClient client = net.connect(ipc(Net.config("hello", root).delimiter("<EOM>")), "world", server,
                c -> c.on("m", d -> got.add(d.asText())));
        client.emit("m", "a\fb");
        client.emit("m", "c");
        assertEquals("a\fb!", got.poll(10, TimeUnit.SECONDS));
        assertEquals("c!", got.poll(10, TimeUnit.SECONDS));
    }
}
