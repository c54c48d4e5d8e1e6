package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** kill -9 of a peer process ({@link Child}, a separate JVM, ended with {@link Process#destroyForcibly()}). */
class KillTest {
    private final List<Ipc> open = new ArrayList<>();
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        open.forEach(Ipc::close);
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    /** Starts {@link Child} in a new JVM and waits for its first line (its "ready" signal). */
    private Process child(String expectedPrefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Djipc.transport=" + System.getProperty("jipc.transport", "auto"),
                "-cp", System.getProperty("java.class.path"), Child.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return "read failed: " + e;
            }
        }).get(120, TimeUnit.SECONDS);
        assertTrue(line != null && line.startsWith(expectedPrefix), "child said: " + line);
        return p;
    }

    private static void kill9(Process p) throws Exception {
        p.destroyForcibly(); // SIGKILL on Linux
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not die");
        assertEquals(137, p.exitValue(), "exit status of a process killed by SIGKILL");
    }

    @Test
    void shouldReportAClientKilledMidFrameAndKeepServing() throws Exception {
        String root = Net.tempSocketRoot();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        IpcServer server = ipc(Net.config("world", root)).serve();
        server.on("echo", (d, s) -> s.emit("echo", d));
        server.on("error", (d, s) -> events.add("error:" + d.error().get().code() + ":" + (s == null ? "-" : s.id())
                + ":" + d.error().get().getMessage()));
        server.on("socket.disconnected", (d, s) -> events.add("gone:" + s.id()));
        server.start();
        BlockingQueue<String> goodGot = new LinkedBlockingQueue<>();
        IpcClient good = Net.UNIX.connect(ipc(Net.config("good", root)), "world", server);
        good.on("echo", d -> goodGot.add(d.asText()));
        good.emit("echo", "before");
        assertEquals("before", goodGot.poll(30, TimeUnit.SECONDS));

        Process killed = child("SENT", "half-frame", root + "app.world");
        kill9(killed);
        String err = events.poll(30, TimeUnit.SECONDS);
        assertTrue(err != null && err.startsWith("error:ETRUNCATED:2:socket 2"), String.valueOf(err));
        assertTrue(err.contains("connection closed inside a frame"), err);
        assertEquals("gone:2", events.poll(30, TimeUnit.SECONDS));

        good.emit("echo", "after");
        assertEquals("after", goodGot.poll(30, TimeUnit.SECONDS));
        assertTrue(server.isListening());
    }

    @Test
    void shouldReconnectToARestartedServerAfterTheServerIsKilled() throws Exception {
        String root = Net.tempSocketRoot();
        Path socket = Path.of(root + "app.world");
        Process first = child("READY", "server", root, "world");
        long firstPid = first.pid();

        // keeps retrying (every 100 ms, up to 1000 times) through the restart
        Recorder rec = new Recorder();
        BlockingQueue<Long> pongs = new LinkedBlockingQueue<>();
        IpcClient client = ipc(Net.config("hello", root).retry(Duration.ofMillis(100)).maxRetries(1000))
                .connectTo("world", c -> {
                    rec.watch(c);
                    c.on("pong", d -> pongs.add(d.json().asLong()));
                });
        // gives up after 2 retries
        Recorder quitter = new Recorder();
        ipc(Net.config("quitter", root).retry(Duration.ofMillis(100)).maxRetries(2)).connectTo("world",
                quitter::watch);
        rec.expect("connect");
        quitter.expect("connect");

        AtomicBoolean emitting = new AtomicBoolean(true);
        Thread emitter = new Thread(() -> {
            while (emitting.get()) {
                client.emit("ping"); // fails with ENOTCONNECTED while waiting to retry, as in node-ipc
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "emitter");
        emitter.start();
        try {
            assertEquals(firstPid, pongs.poll(30, TimeUnit.SECONDS), "the first server answers");

            kill9(first);
            assertTrue(Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                    "SIGKILL leaves the socket file behind");
            rec.await("disconnect");
            // retries: each refused (the stale file is there, nobody answers), then disconnect again
            for (int i = 0; i < 2; i++) {
                String refused = rec.next();
                assertTrue(refused.equals("error:ECONNREFUSED") || refused.equals("error:ENOENT"), refused);
                rec.expect("disconnect");
            }
            quitter.expect("disconnect");
            String refused = quitter.next();
            assertTrue(refused.equals("error:ECONNREFUSED") || refused.equals("error:ENOENT"), refused);
            quitter.expect("disconnect", refused, "disconnect", "destroy");

            Process second = child("READY", "server", root, "world"); // replaces the stale socket file
            rec.await("connect");
            long secondPid = second.pid();
            Long from;
            do {
                from = pongs.poll(30, TimeUnit.SECONDS);
                assertTrue(from != null, "no reply after the reconnect; events: " + rec.history());
            } while (from == firstPid);
            assertEquals(secondPid, from, "the restarted server answers");
            assertEquals(ConnectionState.CONNECTED, client.state());
            assertTrue(rec.history().stream().noneMatch("destroy"::equals), rec.history().toString());
        } finally {
            emitting.set(false);
            emitter.join(10_000);
        }
    }
}
