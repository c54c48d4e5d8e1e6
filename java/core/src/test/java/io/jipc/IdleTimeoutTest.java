package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link IpcConfig#idleTimeout}: a connection that received nothing for the timeout gets an {@code error}
 * ({@code ETIMEDOUT}) and is closed, on the server and on the client, over Unix sockets, TCP and TLS; one that keeps
 * receiving stays.
 */
class IdleTimeoutTest {
    private static final Duration IDLE = Duration.ofMillis(1000);
    /** How often the active peer sends: well within {@link #IDLE}. */
    private static final long PING_MS = 100;

    /** The connection kinds the idle timeout applies to. */
    enum Kind {
        UNIX, TCP, TLS;

        Net net() {
            return this == UNIX ? Net.UNIX : Net.TCP;
        }

        IpcConfig server(IpcConfig c) {
            return this == TLS ? c.tls(TlsTest.serverTls()) : c;
        }

        IpcConfig client(IpcConfig c) {
            return this == TLS ? c.tls(TlsTest.clientTls()) : c;
        }
    }

    private final List<Ipc> open = new ArrayList<>();
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void closeAll() {
        pinger.shutdownNow();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    private static String error(Message d) {
        return "error:" + d.error().map(IpcException::code).orElse("?") + ":"
                + d.error().map(Throwable::getMessage).orElse("");
    }

    /** Records a client's lifecycle events and errors (code:message) and hands its pongs to {@code pongs}. */
    private static void watch(IpcClient c, Recorder events, BlockingQueue<Message> pongs) {
        for (String t : List.of("connect", "disconnect", "destroy")) {
            c.on(t, () -> events.add(t));
        }
        c.on("error", d -> events.add(error(d)));
        c.on("pong", pongs::add);
    }

    /** Waits for {@code n} more pongs: time passing, measured in messages the active peer received. */
    private static void awaitPongs(BlockingQueue<Message> pongs, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            assertTrue(pongs.poll(10, TimeUnit.SECONDS) != null, "the active connection stopped getting pongs");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldCloseASilentServerSocketAndLeaveAnActiveOneAlone(Kind kind) throws Exception {
        String root = Net.tempSocketRoot();
        Recorder events = new Recorder();
        IpcServer server = kind.net().serve(ipc(kind.server(Net.config("world", root).idleTimeout(IDLE))));
        server.on("connect", (d, s) -> events.add("connect:" + s.id()));
        server.on("error", (d, s) -> events.add(error(d) + ":" + (s == null ? "-" : s.id())));
        server.on("socket.disconnected", (d, s) -> events.add("gone:" + s.id()));
        server.on("ping", (d, s) -> s.emit("pong", d));
        server.start();

        Recorder silentEvents = new Recorder();
        IpcClient silent = kind.net().connect(ipc(kind.client(Net.config("silent", root)).stopRetrying(true)),
                "world", server, c -> watch(c, silentEvents, new LinkedBlockingQueue<>()));
        silentEvents.await("connect");
        String silentId = events.await(e -> e.startsWith("connect:")).substring("connect:".length());

        Recorder activeEvents = new Recorder();
        BlockingQueue<Message> pongs = new LinkedBlockingQueue<>();
        IpcClient active = kind.net().connect(ipc(kind.client(Net.config("active", root))), "world", server,
                c -> watch(c, activeEvents, pongs));
        activeEvents.await("connect");
        String activeId = events.await(e -> e.startsWith("connect:")).substring("connect:".length());
        pinger.scheduleAtFixedRate(() -> active.emit("ping", 1), 0, PING_MS, TimeUnit.MILLISECONDS);

        String e = events.await(ev -> ev.startsWith("error:"));
        // a TCP socket is named with its peer's address, an accepted Unix socket (no address) by its id alone
        assertTrue(e.startsWith("error:ETIMEDOUT:socket " + silentId + (kind == Kind.UNIX ? ": " : " (")), e);
        assertTrue(e.contains("received nothing for idleTimeout PT1S"), e);
        assertTrue(e.endsWith(":" + silentId), e);
        assertEquals("gone:" + silentId, events.next());
        silentEvents.await("disconnect");
        assertEquals(ConnectionState.DESTROYED, silent.state());

        awaitPongs(pongs, (int) (3 * IDLE.toMillis() / PING_MS)); // three idle periods, the active one sending
        assertEquals(ConnectionState.CONNECTED, active.state());
        assertTrue(activeEvents.history().stream().noneMatch(ev -> !ev.equals("connect")),
                activeEvents.history().toString());
        assertTrue(events.history().stream().noneMatch(ev -> !ev.equals("connect:" + activeId)
                && ev.endsWith(":" + activeId)), events.history().toString());
        assertEquals(List.of(activeId), server.sockets().stream().map(IpcSocket::id).toList());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldCloseAClientConnectionOnWhichNothingArrivesAndLeaveAnActiveOneAlone(Kind kind) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = kind.net().serve(ipc(kind.server(Net.config("world", root))));
        server.on("ping", (d, s) -> s.emit("pong", d));
        server.start();
        Ipc clients = ipc(kind.client(Net.config("hello", root)).idleTimeout(IDLE).maxRetries(0));

        // the server never sends to this one
        Recorder silentEvents = new Recorder();
        kind.net().connect(clients, "silent", server, c -> watch(c, silentEvents, new LinkedBlockingQueue<>()));
        // this one gets a pong every PING_MS
        Recorder activeEvents = new Recorder();
        BlockingQueue<Message> pongs = new LinkedBlockingQueue<>();
        IpcClient active = kind.net().connect(clients, "active", server, c -> watch(c, activeEvents, pongs));
        silentEvents.await("connect");
        activeEvents.await("connect");
        pinger.scheduleAtFixedRate(() -> active.emit("ping", 1), 0, PING_MS, TimeUnit.MILLISECONDS);

        String e = silentEvents.next();
        assertTrue(e.startsWith("error:ETIMEDOUT:client silent ("), e);
        assertTrue(e.contains("received nothing for idleTimeout PT1S"), e);
        silentEvents.expect("disconnect", "destroy"); // maxRetries 0: no reconnect

        awaitPongs(pongs, (int) (3 * IDLE.toMillis() / PING_MS));
        assertEquals(ConnectionState.CONNECTED, active.state());
        assertEquals(List.of("connect"), activeEvents.history());
    }

    @Test
    void shouldRejectInvalidTimeoutsNamingTheOption() {
        IllegalArgumentException idle = assertThrows(IllegalArgumentException.class,
                () -> ipc(IpcConfig.defaults().idleTimeout(Duration.ofMillis(-1))));
        assertTrue(idle.getMessage().startsWith("invalid IpcConfig.idleTimeout = PT-0.001S"), idle.getMessage());
        IllegalArgumentException handshake = assertThrows(IllegalArgumentException.class,
                () -> ipc(IpcConfig.defaults().handshakeTimeout(Duration.ZERO)));
        assertTrue(handshake.getMessage().startsWith("invalid IpcConfig.handshakeTimeout = PT0S: must be positive"),
                handshake.getMessage());
        assertEquals(Duration.ZERO, IpcConfig.defaults().idleTimeout());
        assertEquals(IpcConfig.HANDSHAKE_TIMEOUT_DEFAULT, IpcConfig.defaults().copy().handshakeTimeout());
        assertEquals(IDLE, IpcConfig.defaults().idleTimeout(IDLE).copy().idleTimeout());
    }
}
