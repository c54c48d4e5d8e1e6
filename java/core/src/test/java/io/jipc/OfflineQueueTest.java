package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** IpcConfig.offlineQueue: emits made while a client reconnects are kept and sent after the reconnect. */
class OfflineQueueTest {
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

    private static IpcServer serving(IpcServer server, Recorder got) {
        server.on("msg", (d, s) -> got.add("msg:" + d.asText()));
        server.start();
        return server;
    }

    private static String code(CompletableFuture<Void> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return ((IpcException) e.getCause()).code();
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldSendWhatWasEmittedWhileReconnectingInOrderAfterAServerRestart(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        Ipc serverIpc = ipc(Net.config("world", root));
        Recorder got = new Recorder();
        IpcServer server = serving(net.serve(serverIpc), got);
        int port = net == Net.TCP ? Net.port(server) : 0;

        Recorder rec = new Recorder();
        IpcClient client = net.connect(ipc(Net.config("hello", root).offlineQueue(10)), "world", server, rec::watch);
        rec.expect("connect");
        client.emit("msg", "0").toCompletableFuture().get(10, TimeUnit.SECONDS);
        got.expect("msg:0");

        server.stop();
        rec.await("disconnect");
        List<CompletableFuture<Void>> kept = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            kept.add(client.emit("msg", String.valueOf(i)).toCompletableFuture());
        }
        kept.forEach(f -> assertFalse(f.isDone(), "an emit completed while the server was down"));

        serving(net.serve(serverIpc, port), got);
        rec.await("connect");
        CompletableFuture<Void> later = client.emit("msg", "6").toCompletableFuture();
        for (CompletableFuture<Void> f : kept) {
            f.get(10, TimeUnit.SECONDS);
        }
        later.get(10, TimeUnit.SECONDS);
        got.expect("msg:1", "msg:2", "msg:3", "msg:4", "msg:5", "msg:6");
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldFailAnEmitBeyondTheBoundWithEoverflow(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        Ipc serverIpc = ipc(Net.config("world", root));
        Recorder got = new Recorder();
        IpcServer server = serving(net.serve(serverIpc), got);
        int port = net == Net.TCP ? Net.port(server) : 0;
        Recorder rec = new Recorder();
        IpcClient client = net.connect(ipc(Net.config("hello", root).offlineQueue(2)), "world", server, rec::watch);
        rec.expect("connect");

        server.stop();
        rec.await("disconnect");
        CompletableFuture<Void> a = client.emit("msg", "a").toCompletableFuture();
        CompletableFuture<Void> b = client.emit("msg", "b").toCompletableFuture();
        CompletableFuture<Void> c = client.emit("msg", "c").toCompletableFuture();
        assertEquals("EOVERFLOW", code(c));
        ExecutionException e = assertThrows(ExecutionException.class, c::get);
        assertTrue(e.getCause().getMessage().contains("offlineQueue 2"), e.getCause().getMessage());

        serving(net.serve(serverIpc, port), got);
        a.get(10, TimeUnit.SECONDS);
        b.get(10, TimeUnit.SECONDS);
        got.expect("msg:a", "msg:b");
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldFailWhatIsLeftWithEclosedOnDisconnect(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = serving(net.serve(ipc(Net.config("world", root))), new Recorder());
        Recorder rec = new Recorder();
        IpcClient client = net.connect(ipc(Net.config("hello", root).offlineQueue(5)), "world", server, rec::watch);
        rec.expect("connect");
        server.stop();
        rec.await("disconnect");
        CompletableFuture<Void> a = client.emit("msg", "a").toCompletableFuture();
        CompletableFuture<Void> b = client.emit("msg", "b").toCompletableFuture();
        client.disconnect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("ECLOSED", code(a));
        assertEquals("ECLOSED", code(b));
        assertEquals("ENOTCONNECTED", code(client.emit("msg", "c").toCompletableFuture()));
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldFailWhatIsLeftWithEclosedWhenRetriesRunOut(Net net) throws Exception {
        Net.assumeRefusedTcpConnectVisible(net);
        String root = Net.tempSocketRoot();
        IpcServer server = serving(net.serve(ipc(Net.config("world", root))), new Recorder());
        Recorder rec = new Recorder();
        IpcClient client = net.connect(ipc(Net.config("hello", root).offlineQueue(5).maxRetries(3)), "world", server,
                rec::watch);
        rec.expect("connect");
        server.stop();
        rec.await("disconnect");
        CompletableFuture<Void> a = client.emit("msg", "a").toCompletableFuture();
        rec.await("destroy");
        assertEquals("ECLOSED", code(a));
        assertEquals(ConnectionState.DESTROYED, client.state());
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldFailEmitsWhileDisconnectedByDefaultAsNodeIpc(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = serving(net.serve(ipc(Net.config("world", root))), new Recorder());
        Recorder rec = new Recorder();
        IpcClient client = net.connect(ipc(Net.config("hello", root)), "world", server, rec::watch);
        rec.expect("connect");
        server.stop();
        rec.await("disconnect");
        assertEquals(0, IpcConfig.defaults().offlineQueue());
        assertEquals(ConnectionState.DISCONNECTED, client.state());
        assertEquals("ENOTCONNECTED", code(client.emit("msg", "lost").toCompletableFuture()));
    }
}
