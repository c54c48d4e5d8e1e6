package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.interop.TestCerts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The report of issue #12 replayed: a TLS server with {@code maxConnections} 10 in a child JVM under
 * {@code ulimit -n 256}, and 300 plain TCP connections that never start their handshake. The server must not run
 * out of descriptors (no {@code EMFILE}): the connections over the limit are closed at once, the ten it holds time
 * out after {@code handshakeTimeout}, and a real TLS client is then served.
 */
class TlsHandshakeFdTest {
    private static final int LIMIT = 256;
    private static final int IDLE_CONNECTIONS = 300;
    private final List<Socket> raw = new ArrayList<>();
    private final List<Ipc> open = new ArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private Process child;

    /**
     * The child: a TLS echo server on 127.0.0.1 (port chosen by the OS) printing {@code READY PORT}, then each server
     * event as a line: {@code connect}, {@code gone}, {@code error CODE MESSAGE}.
     */
    static final class ChildServer {
        private ChildServer() {
        }

        /**
         * @param args key file, certificate file, maxConnections, handshakeTimeout in ms
         */
        public static void main(String[] args) {
            Ipc ipc = Ipc.create(IpcConfig.defaults().id("world").silent(true).maxConnections(Integer.parseInt(args[2]))
                    .handshakeTimeout(Duration.ofMillis(Long.parseLong(args[3])))
                    .tls(IpcConfig.Tls.create().privateKey(args[0]).publicCert(args[1])));
            IpcServer server = ipc.serveNet("127.0.0.1", 0);
            server.on("connect", (d, s) -> System.out.println("connect"));
            server.on("socket.disconnected", (d, s) -> System.out.println("gone"));
            server.on("error", (d, s) -> System.out.println("error " + d.error().map(IpcException::code).orElse("?")
                    + " " + d.error().map(Throwable::getMessage).orElse("")));
            server.on("message", (d, s) -> s.emit("message", d));
            server.start();
            System.out.println("READY " + Net.port(server));
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Socket s : raw) {
            s.close();
        }
        for (Ipc ipc : open) {
            ipc.close();
        }
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

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

    @Test
    void shouldKeepDescriptorsAndServeARealClientWhileHundredsOfConnectionsNeverHandshake() throws Exception {
        TestCerts certs = TestCerts.get();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder("bash", "-c", "ulimit -n " + LIMIT + " && exec \"$0\" \"$@\"", java, "-Xmx64m",
                "-XX:TieredStopAtLevel=1", "-Djipc.transport=" + System.getProperty("jipc.transport", "auto"),
                "-cp", System.getProperty("java.class.path"), ChildServer.class.getName(), certs.path("server.key"),
                certs.path("server.pem"), "10", "2000").redirectError(ProcessBuilder.Redirect.INHERIT).start();
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
        int port = Integer.parseInt(awaitLine(l -> l.startsWith("READY ")).substring("READY ".length()));

        for (int i = 0; i < IDLE_CONNECTIONS; i++) {
            Socket s = new Socket();
            raw.add(s);
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000); // completes in the listen backlog
        }

        // arrives after all of them: refused while ten handshakes hold the places, served once they timed out
        Ipc hello = Ipc.create(Net.config("hello", "/tmp/").tls(TlsTest.clientTls()));
        open.add(hello);
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcClient client = hello.connectToNet("world", "127.0.0.1", port, c -> c.on("message", got::add));
        awaitLine("connect"::equals);
        client.emit("message", "served");
        Message m = got.poll(30, TimeUnit.SECONDS);
        assertTrue(m != null, "no echo; child said: " + seen);
        assertEquals("served", m.asText());

        assertTrue(seen.stream().noneMatch(l -> l.startsWith("error EMFILE")), "the server ran out of descriptors: "
                + seen);
        List<String> errors = seen.stream().filter(l -> l.startsWith("error ")).toList();
        assertTrue(!errors.isEmpty() && errors.size() <= IDLE_CONNECTIONS, errors.toString());
        assertTrue(errors.stream().allMatch(l -> l.startsWith("error ETIMEDOUT TLS handshake with client")),
                errors.toString());
        assertTrue(child.isAlive());
    }
}
