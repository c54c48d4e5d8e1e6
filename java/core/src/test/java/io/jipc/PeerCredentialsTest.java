package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link IpcSocket#peerCredentials()} and {@link IpcConfig#allowedUids} (run on both transports). */
class PeerCredentialsTest {
    private static final int MY_UID = (int) new UnixSystem().getUid();
    private static final int MY_GID = (int) new UnixSystem().getGid();
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

    private static boolean nativeTransport() {
        return "native".equals(System.getProperty("jipc.transport"));
    }

    @Test
    void shouldTellWhoConnectedOverAUnixSocket() throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = Net.UNIX.serve(ipc(Net.config("world", root)));
        BlockingQueue<Optional<PeerCredentials>> seen = new LinkedBlockingQueue<>();
        server.on("connect", (d, s) -> seen.add(s.peerCredentials()));
        server.start();
        Net.UNIX.connect(ipc(Net.config("hello", root)), "world", server);

        PeerCredentials c = seen.poll(10, TimeUnit.SECONDS).orElseThrow();
        assertEquals(MY_UID, c.uid());
        assertEquals(MY_GID, c.gid());
        // the JDK's SO_PEERCRED has no pid; libjipc reads struct ucred whole
        assertEquals(nativeTransport() ? ProcessHandle.current().pid() : -1, c.pid());
    }

    @Test
    void shouldHaveNoCredentialsOverTcp() throws Exception {
        IpcServer server = Net.TCP.serve(ipc(Net.config("world", Net.tempSocketRoot())));
        BlockingQueue<Optional<PeerCredentials>> seen = new LinkedBlockingQueue<>();
        server.on("connect", (d, s) -> seen.add(s.peerCredentials()));
        server.start();
        Net.TCP.connect(ipc(Net.config("hello", Net.tempSocketRoot())), "world", server);
        assertEquals(Optional.empty(), seen.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldRefuseUidsNotAllowedAndNameThem() throws Exception {
        String root = Net.tempSocketRoot();
        int other = MY_UID == 0 ? 4242 : 0;
        IpcServer server = Net.UNIX.serve(ipc(Net.config("world", root).allowedUids(other)));
        Recorder events = new Recorder();
        server.on("connect", (d, s) -> events.add("connect"));
        server.on("error", (d, s) -> events.add("error:" + d.error().get().code() + ":" + d.error().get().getMessage()));
        server.start();
        Recorder clientEvents = new Recorder();
        Net.UNIX.connect(ipc(Net.config("hello", root).maxRetries(0)), "world", server, clientEvents::watch);

        String error = events.await(e -> e.startsWith("error:"));
        assertTrue(error.startsWith("error:EPERM:connection to " + root + "app.world refused: uid " + MY_UID), error);
        assertTrue(error.endsWith("is not in allowedUids [" + other + "]"), error);
        clientEvents.await("disconnect");
        assertEquals(null, events.poll(Duration.ofMillis(200)), "no connect event for a refused peer");
    }

    @Test
    void shouldAcceptAllowedUids() throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = Net.UNIX.serve(ipc(Net.config("world", root).allowedUids(4242, MY_UID)));
        server.on("ping", (d, s) -> s.emit("pong", s.peerCredentials().orElseThrow().uid()));
        server.start();
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcClient client = Net.UNIX.connect(ipc(Net.config("hello", root)), "world", server);
        client.on("pong", got::add);
        client.emit("ping");
        assertEquals(Integer.toString(MY_UID), got.poll(10, TimeUnit.SECONDS).asText());
    }

    @Test
    void shouldKeepTheAllowListImmutableAndSorted() {
        IpcConfig c = IpcConfig.defaults().allowedUids(7, 3, 7);
        assertEquals(List.of(3, 7), new ArrayList<>(c.allowedUids()));
        assertEquals(c.allowedUids(), c.copy().allowedUids());
        assertEquals(List.of(), new ArrayList<>(IpcConfig.defaults().allowedUids()));
    }
}
