package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SocketFileTest {
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

    private static void leaveStaleSocket(Path path) throws Exception {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        } // the JDK leaves the file behind, as a crashed process would
        assertTrue(Files.exists(path));
    }

    @Test
    void shouldCreateTheSocketAtSocketRootPlusAppspacePlusId() throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = ipc(Net.config("world", root).appspace("my.")).serve();
        server.start();
        Path path = Path.of(root + "my.world");
        assertEquals(UnixDomainSocketAddress.of(path), server.address());
        assertTrue(Files.exists(path));
        server.stop();
        assertFalse(Files.exists(path), "stop() removes the socket file");
    }

    /**
     * Starting finds the descriptor of the directories it opens in /proc/self/fd while other threads open and close
     * descriptors, so the new one often reuses a number that was open under another name a moment before.
     */
    @Test
    void shouldStartWhileOtherThreadsOpenAndCloseDescriptors() throws Exception {
        String root = Net.tempSocketRoot();
        java.nio.file.Path scratch = Files.createTempFile("jipc-fd-churn", ".tmp");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.List<Thread> churn = new java.util.ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread th = new Thread(() -> {
                while (!stop.get()) {
                    try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(scratch)) {
                        c.size();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }, "fd-churn-" + t);
            th.start();
            churn.add(th);
        }
        try {
            Ipc world = ipc(Net.config("world", root));
            for (int i = 0; i < 300; i++) {
                IpcServer server = world.serve();
                server.start();
                server.stop();
            }
        } finally {
            stop.set(true);
            for (Thread th : churn) {
                th.join(10_000);
            }
            Files.deleteIfExists(scratch);
        }
    }

    @Test
    void shouldReplaceAStaleSocketFile() throws Exception {
        String root = Net.tempSocketRoot();
        leaveStaleSocket(Path.of(root + "app.world"));
        IpcServer server = ipc(Net.config("world", root)).serve();
        server.on("ping", (d, s) -> s.emit("pong", d));
        server.start();
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        IpcClient c = ipc(Net.config("hello", root)).connectTo("world");
        c.on("pong", d -> got.add(d.asText()));
        c.emit("ping", "alive");
        assertEquals("alive", got.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldKeepAStaleSocketWhenUnlinkIsFalse() throws Exception {
        String root = Net.tempSocketRoot();
        leaveStaleSocket(Path.of(root + "app.world"));
        IpcServer server = ipc(Net.config("world", root).unlink(false)).serve();
        IpcException e = assertThrows(IpcException.class, server::start);
        assertEquals("EADDRINUSE", e.code());
        assertTrue(e.getMessage().contains("unlink"), e.getMessage());
        assertTrue(Files.exists(Path.of(root + "app.world")));
    }

    @Test
    void shouldNeverDeleteARegularFile() throws Exception {
        String root = Net.tempSocketRoot();
        Path path = Path.of(root + "app.world");
        Files.writeString(path, "precious");
        IpcServer server = ipc(Net.config("world", root)).serve();
        IpcException e = assertThrows(IpcException.class, server::start);
        assertEquals("EEXIST", e.code());
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertEquals("precious", Files.readString(path));
    }

    @Test
    void shouldRefuseToDisplaceALiveServer() throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer first = ipc(Net.config("world", root)).serve();
        first.on("ping", (d, s) -> s.emit("pong", "first"));
        first.start();
        IpcServer second = ipc(Net.config("world", root)).serve();
        IpcException e = assertThrows(IpcException.class, second::start);
        assertEquals("EADDRINUSE", e.code());
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        IpcClient c = ipc(Net.config("hello", root)).connectTo("world");
        c.on("pong", d -> got.add(d.asText()));
        c.emit("ping");
        assertEquals("first", got.poll(10, TimeUnit.SECONDS));
    }

    private String modeOf(boolean readableAll, boolean writableAll) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = ipc(Net.config("world", root).readableAll(readableAll).writableAll(writableAll)).serve();
        server.start();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(Path.of(root + "app.world"));
        server.stop();
        return java.nio.file.attribute.PosixFilePermissions.toString(perms);
    }

    @Test
    void shouldMakeTheSocketFileOwnerOnlyByDefault() throws Exception {
        assertEquals("rw-------", modeOf(false, false), "default mode, whatever the umask");
    }

    @Test
    void shouldWidenTheModeForReadableAllAndWritableAll() throws Exception {
        assertEquals("rw-r--r--", modeOf(true, false));
        assertEquals("rw--w--w-", modeOf(false, true));
        assertEquals("rw-rw-rw-", modeOf(true, true));
    }

    @Test
    void shouldNameTheOptionOfAnInvalidConfig() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ipc.create(IpcConfig.defaults().maxConnections(0)));
        assertTrue(e.getMessage().contains("maxConnections"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ipc.create(IpcConfig.defaults().delimiter("")));
        assertTrue(e.getMessage().contains("delimiter"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ipc.create(IpcConfig.defaults().encoding("klingon")));
        assertTrue(e.getMessage().contains("encoding"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ipc.create(IpcConfig.defaults().networkPort(70000)));
        assertTrue(e.getMessage().contains("networkPort"), e.getMessage());
    }

    @Test
    void shouldHaveNodeIpcDefaults() {
        IpcConfig c = IpcConfig.defaults();
        assertEquals("app.", c.appspace());
        assertEquals("/tmp/", c.socketRoot());
        assertEquals("localhost", c.networkHost());
        assertEquals(8000, c.networkPort());
        assertEquals("utf8", c.encoding());
        assertEquals("\f", c.delimiter());
        assertEquals(100, c.maxConnections());
        assertEquals(500, c.retry().toMillis());
        assertEquals(IpcConfig.MAX_RETRIES_UNLIMITED, c.maxRetries());
        assertTrue(c.unlink());
        assertFalse(c.rawBuffer() || c.sync() || c.silent() || c.stopRetrying() || c.readableAll()
                || c.writableAll());
        assertEquals(16 * 1024 * 1024, c.maxFrameBytes());
    }
}
