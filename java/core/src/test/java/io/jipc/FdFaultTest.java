package io.jipc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Accept failing for lack of file descriptors: a server in a child JVM ({@link Child} {@code event-server}) under
 * {@code ulimit -n} (default 64, {@code -Djipc.fd.limit=N}) reports an {@code error}, keeps serving the clients it
 * has, and accepts again once descriptors are freed.
 */
class FdFaultTest {
    private static final int LIMIT = Integer.getInteger("jipc.fd.limit", 64);
    private final List<SocketChannel> channels = new ArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private Process child;

    @AfterEach
    void cleanUp() throws Exception {
        for (SocketChannel ch : channels) {
            ch.close();
        }
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Waits for the next line (after those already looked at) that matches; earlier lines stay counted. */
    private String awaitLine(Predicate<String> match) throws InterruptedException {
        while (true) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            assertTrue(line != null, "no matching line from the child; seen: " + seen);
            seen.add(line);
            assertTrue(!line.equals("EOF"), "the child ended; seen: " + seen);
            if (match.test(line)) {
                return line;
            }
        }
    }

    /** Waits until {@code n} lines in all starting with {@code prefix} have been seen, counting skipped ones too. */
    private void awaitCount(String prefix, int n) throws InterruptedException {
        while (seen.stream().filter(l -> l.startsWith(prefix)).count() < n) {
            awaitLine(l -> true);
        }
    }

    private SocketChannel open(Path path) throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
        channels.add(ch);
        return ch;
    }

    /** Sends ping and reads one reply frame (non-blocking, so a connection never served fails instead of hanging). */
    private static void assertServed(SocketChannel ch) throws Exception {
        ch.configureBlocking(true);
        ByteBuffer out = ByteBuffer.wrap("{\"type\":\"ping\",\"data\":0}\f".getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            ch.write(out);
        }
        ch.configureBlocking(false);
        ByteBuffer in = ByteBuffer.allocate(256);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (in.position() == 0 || in.get(in.position() - 1) != '\f') {
            assertTrue(ch.read(in) >= 0, "connection closed instead of a reply");
            assertTrue(System.nanoTime() < deadline, "no reply"); // bounds a hang only
            Thread.sleep(2);
        }
        String reply = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
        assertTrue(reply.startsWith("{\"type\":\"pong\""), reply);
    }

    @Test
    void shouldReportAcceptFailingForLackOfDescriptorsAndRecover() throws Exception {
        String root = Net.tempSocketRoot();
        Path path = Path.of(root + "app.world");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder("bash", "-c", "ulimit -n " + LIMIT + " && exec \"$0\" \"$@\"", java, "-Xmx64m",
                "-XX:TieredStopAtLevel=1", "-Djipc.transport=" + System.getProperty("jipc.transport", "auto"), "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                "event-server", root, "world").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child was killed
            }
            lines.add("EOF");
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        awaitLine(l -> l.startsWith("READY"));

        // connect until the server cannot accept: each connection gives either "connect N" or an accept error
        List<SocketChannel> served = new ArrayList<>();
        SocketChannel pending = null;
        String error = null;
        for (int i = 0; i < 4 * LIMIT && pending == null; i++) {
            SocketChannel ch = open(path);
            String line = awaitLine(l -> l.startsWith("connect ") || l.startsWith("error "));
            if (line.startsWith("connect ")) {
                assertServed(ch);
                served.add(ch);
            } else {
                pending = ch;
                error = line;
            }
        }
        assertTrue(pending != null, "the server accepted " + 4 * LIMIT + " connections under ulimit -n " + LIMIT);
        assertTrue(error.startsWith("error EMFILE accept " + path + ": too many open files"), error);
        assertTrue(served.size() >= 4, "too few connections before the limit: " + served.size());

        // the connected clients are still served while descriptors are exhausted
        for (SocketChannel ch : served) {
            assertServed(ch);
        }

        // free descriptors: the server accepts the waiting connection and a new one, and serves them
        int freed = served.size() / 2;
        int connects = served.size();
        int gone = 0;
        for (int i = 0; i < freed; i++) {
            served.remove(0).close();
            awaitCount("gone ", ++gone);
        }
        awaitCount("connect ", ++connects);
        assertServed(pending);
        SocketChannel fresh = open(path);
        awaitCount("connect ", ++connects);
        assertServed(fresh);
        for (SocketChannel ch : served) {
            assertServed(ch);
        }
        assertTrue(child.isAlive());
    }
}
