package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Closing an Ipc gives back every thread and file descriptor it took. */
class ResourceTest {
    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long jipcThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("jipc-io") && t.isAlive()).count();
    }

    private static void cycle(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        try (Ipc world = Ipc.create(Net.config("world", root)); Ipc hello = Ipc.create(Net.config("hello", root))) {
            IpcServer server = net.serve(world);
            server.on("ping", (d, s) -> s.emit("pong", d));
            server.start();
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            IpcClient client = net.connect(hello, "world", server, c -> c.on("pong", d -> got.add(d.asText())));
            client.emit("ping", "x");
            assertEquals("x", got.poll(10, TimeUnit.SECONDS));
        }
        Files.deleteIfExists(Path.of(root));
    }

    @Test
    void shouldReleaseThreadsAndDescriptorsOnClose() throws Exception {
        assertTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
        cycle(Net.UNIX); // warm up: class loading may open jar files once
        cycle(Net.TCP);
        long fds = openFds();
        for (int i = 0; i < 25; i++) {
            cycle(Net.UNIX);
            cycle(Net.TCP);
        }
        assertEquals(0, jipcThreads(), "jipc I/O threads still alive after close");
        // the JVM itself may hold a descriptor for a moment (class loading, GC of unrelated streams): settle first
        long now = openFds();
        for (int i = 0; i < 50 && now > fds; i++) {
            System.gc();
            Thread.sleep(20);
            now = openFds();
        }
        assertTrue(now <= fds, "file descriptors leaked over 50 open/exchange/close cycles: " + fds + " before, "
                + now + " after");
    }

    @Test
    void shouldCloseFromInsideAHandlerWithoutDeadlock() throws Exception {
        String root = Net.tempSocketRoot();
        Ipc world = Ipc.create(Net.config("world", root));
        IpcServer server = world.serve();
        BlockingQueue<String> done = new LinkedBlockingQueue<>();
        server.on("quit", (d, s) -> {
            world.close();
            done.add("closed");
        });
        server.start();
        try (Ipc hello = Ipc.create(Net.config("hello", root))) {
            hello.connectTo("world").emit("quit");
            assertEquals("closed", done.poll(10, TimeUnit.SECONDS));
        }
        for (int i = 0; i < 100 && jipcThreads() > 0; i++) {
            Thread.sleep(20);
        }
        assertEquals(0, jipcThreads(), "the I/O thread did not end after close() from a handler");
        assertTrue(!Files.exists(Path.of(root + "app.world")), "socket file left behind");
    }
}
