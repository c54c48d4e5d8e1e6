package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The socket directory removed, or made unwritable, under a running Unix socket server: connected clients are still
 * served; {@code stop()} never throws (a socket file it cannot remove is an {@code error} event naming the path);
 * {@code start()} fails with a specific code naming the path; once the directory is back, {@code start()} works and
 * clients reconnect.
 *
 * <p>"Unwritable" has to refuse root too, so it is made with the immutable attribute ({@code chattr +i}), not with
 * permission bits; where that is not available the test is skipped with the reason.
 */
class SocketDirTest {
    private final List<Ipc> open = new ArrayList<>();
    private Path immutable;

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (immutable != null) {
            chattr("-i", immutable);
        }
        open.forEach(Ipc::close);
    }

    private static int chattr(String flag, Path dir) throws Exception {
        Process p = new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "chattr did not finish");
        return p.exitValue();
    }

    /** A server answering {@code ping} with {@code pong}, its errors recorded as "CODE message". */
    private IpcServer server(String root, BlockingQueue<String> errors) {
        IpcServer server = ipc(Net.config("world", root)).serve();
        server.on("ping", (d, s) -> s.emit("pong", d));
        server.on("error", (d, s) -> errors.add(d.error().map(e -> e.code() + " " + e.getMessage()).orElse("?")));
        server.start();
        return server;
    }

    private static void roundTrip(IpcClient client, BlockingQueue<String> pongs, String text) throws Exception {
        client.emit("ping", text);
        assertEquals(text, pongs.poll(30, TimeUnit.SECONDS), "no pong for " + text);
    }

    @Test
    void shouldKeepServingWhenTheSocketDirectoryIsRemovedAndStartAgainOnceItIsBack() throws Exception {
        String root = Net.tempSocketRoot();
        Path dir = Path.of(root);
        Path socket = dir.resolve("app.world");
        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        IpcServer server = server(root, errors);
        BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        Recorder rec = new Recorder();
        IpcClient client = ipc(Net.config("hello", root).maxRetries(1000)).connectTo("world", c -> {
            rec.watch(c);
            c.on("pong", d -> pongs.add(d.asText()));
        });
        rec.expect("connect");
        roundTrip(client, pongs, "before");

        Files.delete(socket);
        Files.delete(dir);
        roundTrip(client, pongs, "directory gone"); // the connected client is still served
        Recorder late = new Recorder();
        ipc(Net.config("late", root).maxRetries(0)).connectTo("world", late::watch);
        late.expect("error:ENOENT", "disconnect", "destroy"); // nobody new can find it

        server.stop(); // nothing left to remove: no error, nothing thrown
        assertFalse(server.isListening());
        assertEquals(null, errors.poll(), "stop with the directory gone");
        rec.await("disconnect");

        IpcException e = assertThrows(IpcException.class, server::start);
        assertEquals("ENOENT", e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(socket.toString()) && e.getMessage().contains("directory " + dir
                + " does not exist"), e.getMessage());
        assertFalse(server.isListening());

        Files.createDirectory(dir);
        server.start();
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket file made again");
        rec.await("connect"); // the client kept retrying and is back
        roundTrip(client, pongs, "after");
        assertEquals(null, errors.poll(), "server errors");
    }

    @Test
    void shouldReportAnUnwritableSocketDirectoryOnStopAndStartAndRecover() throws Exception {
        String root = Net.tempSocketRoot();
        Path dir = Path.of(root);
        Path socket = dir.resolve("app.world");
        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        IpcServer server = server(root, errors);
        BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        Recorder rec = new Recorder();
        IpcClient client = ipc(Net.config("hello", root).maxRetries(1000)).connectTo("world", c -> {
            rec.watch(c);
            c.on("pong", d -> pongs.add(d.asText()));
        });
        rec.expect("connect");
        roundTrip(client, pongs, "before");

        int rc = chattr("+i", dir);
        Assumptions.assumeTrue(rc == 0, "skipped: chattr +i " + dir + " failed (exit " + rc
                + "); the filesystem has no immutable attribute or this process may not set it, and permission bits "
                + "do not stop root");
        immutable = dir;
        Path probe = dir.resolve("probe");
        Assumptions.assumeTrue(isRefused(probe), "skipped: " + dir + " is still writable after chattr +i");

        roundTrip(client, pongs, "directory unwritable"); // the connected client is still served

        server.stop(); // cannot remove the socket file: an error event naming it, nothing thrown
        assertFalse(server.isListening());
        String stopError = errors.poll(30, TimeUnit.SECONDS);
        assertTrue(stopError != null && stopError.startsWith("EPERM ") && stopError.contains(socket.toString()),
                String.valueOf(stopError));
        rec.await("disconnect");

        // the stale socket file is in the way and cannot be removed
        IpcException e = assertThrows(IpcException.class, server::start);
        assertEquals("EPERM", e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
        assertFalse(server.isListening());

        // another id: the socket file cannot be made
        IpcServer other = ipc(Net.config("other", root)).serve();
        IpcException bind = assertThrows(IpcException.class, other::start);
        assertEquals("EPERM", bind.code(), bind.getMessage());
        assertTrue(bind.getMessage().contains(dir.resolve("app.other").toString()), bind.getMessage());
        assertFalse(Files.exists(dir.resolve("app.other"), LinkOption.NOFOLLOW_LINKS));

        assertEquals(0, chattr("-i", dir), "chattr -i");
        immutable = null;
        server.start(); // replaces the stale file
        rec.await("connect");
        roundTrip(client, pongs, "after");
        other.start();
        other.stop();
        assertEquals(null, errors.poll(), "server errors after the directory is writable again");
    }

    private static boolean isRefused(Path probe) {
        try {
            Files.createFile(probe);
            Files.delete(probe);
            return false;
        } catch (java.io.IOException refused) {
            return true;
        }
    }
}
