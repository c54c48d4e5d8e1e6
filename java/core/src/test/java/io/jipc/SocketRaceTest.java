package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The socket file against another Unix user who can write its directory (a group-shared run directory: mode 0777,
 * not sticky), and against a successor server at the same path.
 *
 * <p>The other user is {@code jipc-attacker} (made here when missing), running {@link Attacker} through
 * {@code setpriv}; that needs root, so without it those tests are skipped with the reason.
 */
class SocketRaceTest {
    private static final String ATTACKER = "jipc-attacker";
    private static final int STARTS = 200;

    private final List<Ipc> open = new ArrayList<>();
    private final List<Process> children = new ArrayList<>();
    private final java.util.Map<Process, BufferedReader> outputs = new java.util.HashMap<>();

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    @AfterEach
    void cleanUp() throws Exception {
        open.forEach(Ipc::close);
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldNotRemoveASuccessorsSocketOnStop() throws Exception {
        String root = Net.tempSocketRoot();
        Path path = Path.of(root + "app.world");
        IpcServer b = ipc(Net.config("world", root)).serve();
        b.on("ping", (d, s) -> s.emit("pong", "b"));
        int sameInode = 0;
        for (int i = 0; i < 20; i++) {
            IpcServer a = ipc(Net.config("world", root)).serve();
            a.start();
            Object inodeA = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            Files.delete(path); // removed under the running server A
            b.start();
            // ext4 and tmpfs soon give a freed inode to a new file: B's socket may have A's inode number
            Object inodeB = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            sameInode += inodeA.equals(inodeB) ? 1 : 0;

            a.stop();
            assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "A's stop removed B's socket file (inode of "
                    + "A's " + inodeA + ", of B's " + inodeB + ")");
            try (Ipc client = Ipc.create(Net.config("hello", root))) {
                BlockingQueue<String> got = new LinkedBlockingQueue<>();
                IpcClient c = client.connectTo("world");
                c.on("pong", d -> got.add(d.asText()));
                c.emit("ping");
                assertEquals("b", got.poll(30, TimeUnit.SECONDS), "B is reachable after A stopped");
            }
            b.stop();
            assertTrue(!Files.exists(path, LinkOption.NOFOLLOW_LINKS), "B's stop removes its own socket file");
        }
        try (java.util.stream.Stream<Path> left = Files.list(Path.of(root))) {
            assertEquals(List.of(), left.collect(java.util.stream.Collectors.toList()), "left in the directory ("
                    + sameInode + " of 20 successors had the inode number of the socket they replaced)");
        }
    }

    @Test
    void shouldNeverChangeTheModeOfAFileASymlinkSwappedInPointsTo() throws Exception {
        int uid = attackerUid();
        Path shared = sharedDir();
        Path victimDir = Path.of(Net.tempSocketRoot()); // root's, 0700
        Path victim = Files.createFile(victimDir.resolve("secret"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Path path = shared.resolve("app.world");
        IpcServer server = ipc(Net.config("world", shared + "/").readableAll(true).writableAll(true)).serve();
        server.start(); // once undisturbed: classes loaded, jars open, so the descriptor count below is jipc's share
        server.stop();
        long fds = LoadTest.openFds();
        Process attacker = attacker(uid, "symlink", path.toString(), victim.toString());

        int started = 0;
        for (int i = 0; i < STARTS; i++) {
            Files.deleteIfExists(path); // whatever the other user left there (unlink: not followed)
            try {
                server.start();
                started++;
                server.stop();
            } catch (IpcException refused) {
                // EEXIST (a symlink was there first), EACCES (the private directory was replaced) or EADDRINUSE
                // (a symlink appeared before the link): not listening
            }
        }
        String done = finish(attacker);
        LoadTest.assertFdsAtMost(fds + 3, "after " + STARTS + " starts, some refused"); // +3: the attacker's pipes

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim,
                LinkOption.NOFOLLOW_LINKS)), "mode of the symlink's target after " + STARTS + " starts (" + started
                + " started; attacker " + done + ")");
        assertEquals(0, (Integer) Files.getAttribute(victim, "unix:uid"), "owner of the symlink's target");
        try (java.util.stream.Stream<Path> left = Files.list(shared)) {
            // the private directories made by the starts are gone, but those the attacker renamed away (empty)
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".jipc-")
                    && ownedByRoot(p)).collect(java.util.stream.Collectors.toList()), "private directories left");
        }
    }

    @Test
    void shouldNeverLetAnotherUserConnectWhileTheModeIsBeingSet() throws Exception {
        int uid = attackerUid();
        Path shared = sharedDir();
        Path path = shared.resolve("app.world");
        Process attacker = attacker(uid, "connect", path.toString());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder("sh", "-c", "umask 000; exec \"$0\" \"$@\"", java, "-Xmx64m",
                "-XX:TieredStopAtLevel=1", "-Djipc.transport=" + System.getProperty("jipc.transport", "auto"),
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), "restarts", shared + "/",
                "world", Integer.toString(STARTS)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(server);
        String serverDone = readLine(server, 300);
        String done = finish(attacker);

        assertTrue(serverDone != null && serverDone.startsWith("done "), "server child said: " + serverDone);
        assertTrue(!serverDone.equals("done 0 " + STARTS), "no start succeeded: " + serverDone);
        assertEquals("done 0", done, "connects by another user to servers with the default mode 0600, started "
                + "under umask 000 (" + serverDone + ")");
    }

    private static boolean ownedByRoot(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) == 0;
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    /** @return the uid of the other user, made if missing; skips the test when this process is not root */
    private static int attackerUid() throws Exception {
        Assumptions.assumeTrue(run("id", "-u").equals("0"),
                "skipped: needs root, to run a second Unix user (" + ATTACKER + ") through setpriv");
        String id = run("id", "-u", ATTACKER);
        if (!id.matches("[0-9]+")) {
            run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ATTACKER);
            id = run("id", "-u", ATTACKER); // made here, or by another run at the same moment
        }
        Assumptions.assumeTrue(id.matches("[0-9]+"), "skipped: cannot make the user " + ATTACKER + ": " + id);
        return Integer.parseInt(id);
    }

    /** A directory everybody can write, not sticky (a group-shared run directory). */
    private static Path sharedDir() throws Exception {
        Path dir = Path.of(Net.tempSocketRoot());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /** Starts {@link Attacker} as the other user and waits for its READY. */
    private Process attacker(int uid, String... args) throws Exception {
        // the class file alone, in a directory the other user can read (the build's may not be)
        Path dir = Path.of(Net.tempSocketRoot());
        Path pkg = Files.createDirectories(dir.resolve("io/jipc"));
        try (java.io.InputStream in = Attacker.class.getResourceAsStream("Attacker.class")) {
            Files.copy(in, pkg.resolve("Attacker.class"));
        }
        for (Path p : List.of(dir, dir.resolve("io"), pkg, pkg.resolve("Attacker.class"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                    : "rw-r--r--"));
        }
        String gid = run("id", "-g", ATTACKER);
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-XX:TieredStopAtLevel=1", "-cp", dir.toString(), Attacker.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        children.add(p);
        String line = readLine(p, 120);
        assertEquals("READY", line, "attacker said");
        return p;
    }

    /** Closes the attacker's input and returns its last line ("done N"). */
    private String finish(Process attacker) throws Exception {
        attacker.getOutputStream().close();
        String line = readLine(attacker, 60);
        assertTrue(attacker.waitFor(60, TimeUnit.SECONDS), "attacker did not end");
        return line;
    }

    private String readLine(Process p, int seconds) throws Exception {
        BufferedReader out = outputs.computeIfAbsent(p, k -> new BufferedReader(new InputStreamReader(
                k.getInputStream(), StandardCharsets.UTF_8)));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return "read failed: " + e;
            }
        }).get(seconds, TimeUnit.SECONDS);
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        return out;
    }
}
