package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.interop.TestCerts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS handshakes are bounded: a connection still handshaking counts against {@code maxConnections} from accept on,
 * and a handshake that does not finish within {@code handshakeTimeout} is an {@code error} ({@code ETIMEDOUT}) and
 * closes its socket, on the server and on the client.
 */
class TlsHandshakeTest {
    private static final TestCerts CERTS = TestCerts.get();
    private final List<Ipc> open = new ArrayList<>();
    private final List<Socket> raw = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (Socket s : raw) {
            s.close();
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Ipc ipc(IpcConfig config) {
        Ipc ipc = Ipc.create(config);
        open.add(ipc);
        return ipc;
    }

    /** An echo server on TLS recording connect, error (code:message) and socket.disconnected. */
    private IpcServer server(IpcConfig config, Recorder events) {
        IpcServer server = ipc(config.tls(TlsTest.serverTls())).serveNet("127.0.0.1", 0);
        server.on("connect", (d, s) -> events.add("connect"));
        server.on("error", (d, s) -> events.add("error:" + d.error().map(IpcException::code).orElse("?") + ":"
                + d.error().map(Throwable::getMessage).orElse("")));
        server.on("socket.disconnected", (d, s) -> events.add("gone"));
        server.on("message", (data, socket) -> socket.emit("message", data));
        return server;
    }

    /** A plain TCP connection that never says anything (or only what the test sends): a stalled handshake. */
    private Socket rawConnection(IpcServer server) throws IOException {
        Socket s = new Socket();
        raw.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", Net.port(server)), 10_000);
        return s;
    }

    /** @return true when the server closed the connection (end of stream or reset), false when it is still open */
    private static boolean closedByServer(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            return s.getInputStream().read() < 0; // the server sends nothing before the client's hello
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void shouldCloseConnectionsOverMaxConnectionsAtOnceWhileOthersHandshake() throws Exception {
        int max = 3;
        int over = 40;
        Recorder events = new Recorder();
        // a handshake timeout far longer than the test: the connections over the limit are closed by the limit
        IpcServer server = server(Net.config("world", "/tmp/").maxConnections(max)
                .handshakeTimeout(Duration.ofMinutes(5)), events);
        server.start();
        long fdsBefore = openFds();
        List<Socket> all = new ArrayList<>();
        for (int i = 0; i < max + over; i++) {
            all.add(rawConnection(server)); // never sends a byte: a handshake that never starts
        }
        List<Socket> closed = new ArrayList<>();
        List<Socket> held = new ArrayList<>(all);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // bounds a hang only
        while (closed.size() < over && System.nanoTime() < deadline) {
            for (Socket s : List.copyOf(held)) {
                if (closedByServer(s, Duration.ofMillis(5))) {
                    held.remove(s);
                    closed.add(s);
                }
            }
        }
        assertEquals(over, closed.size(), "connections over maxConnections " + max + " that the server closed, of "
                + (max + over) + " still handshaking");
        for (Socket s : held) {
            assertTrue(!closedByServer(s, Duration.ofMillis(50)), "a connection within maxConnections was closed");
        }
        for (Socket s : closed) {
            s.close();
        }
        // what remains: our `max` client ends and the server's `max` accepted ones (a few more for the JVM at most)
        long fdsAfter = openFds();
        assertTrue(fdsAfter <= fdsBefore + 2 * max + 10, "descriptors: " + fdsBefore + " before, " + fdsAfter
                + " with " + max + " connections handshaking and " + over + " refused");
        assertEquals(0, server.sockets().size());
        assertTrue(events.history().isEmpty(), events.history().toString());
    }

    @Test
    void shouldTimeOutStalledHandshakesWithTheirCodeAndThenServeARealClient() throws Exception {
        int max = 2;
        Recorder events = new Recorder();
        IpcServer server = server(Net.config("world", "/tmp/").maxConnections(max)
                .handshakeTimeout(Duration.ofMillis(500)), events);
        server.start();
        Socket silent = rawConnection(server);
        Socket partial = rawConnection(server);
        // the first bytes of a ClientHello: a handshake record header announcing 512 bytes, then a few of them
        partial.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc});
        partial.getOutputStream().flush();

        // a real client arriving meanwhile is refused while both places are taken, retries, and is served after
        Recorder clientEvents = new Recorder();
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcClient client = ipc(Net.config("hello", "/tmp/").tls(TlsTest.clientTls())).connectToNet("world",
                "127.0.0.1", Net.port(server), c -> {
                    c.on("connect", () -> clientEvents.add("connect"));
                    c.on("message", got::add);
                });

        for (int i = 0; i < max; i++) {
            String e = events.await(ev -> ev.startsWith("error:"));
            assertTrue(e.startsWith("error:ETIMEDOUT:TLS handshake with client 127.0.0.1:"), e);
            assertTrue(e.contains("not finished within handshakeTimeout PT0.5S"), e);
        }
        assertTrue(closedByServer(silent, Duration.ofSeconds(10)), "the silent connection is still open");
        assertTrue(closedByServer(partial, Duration.ofSeconds(10)), "the partial handshake is still open");

        clientEvents.await("connect");
        events.await("connect");
        client.emit("message", "served");
        Message m = got.poll(10, TimeUnit.SECONDS);
        assertTrue(m != null, "no echo");
        assertEquals("served", m.asText());
        assertEquals(1, server.sockets().size());
        assertTrue(events.history().stream().noneMatch("gone"::equals), events.history().toString());
    }

    @Test
    void shouldTimeOutAClientHandshakeTheServerNeverAnswers() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        raw.add(mute.accept()); // holds the connection, never answers the ClientHello
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "mute-server");
            acceptor.setDaemon(true);
            acceptor.start();
            Recorder events = new Recorder();
            ipc(Net.config("hello", "/tmp/").tls(TlsTest.clientTls()).handshakeTimeout(Duration.ofMillis(300))
                    .stopRetrying(true)).connectToNet("mute", "127.0.0.1", mute.getLocalPort(), c -> {
                        for (String t : List.of("connect", "disconnect", "destroy")) {
                            c.on(t, () -> events.add(t));
                        }
                        c.on("error", d -> events.add("error:" + d.error().map(IpcException::code).orElse("?")
                                + ":" + d.error().map(Throwable::getMessage).orElse("")));
                    });
            String e = events.next();
            assertTrue(e.startsWith("error:ETIMEDOUT:TLS handshake with server 127.0.0.1:"
                    + mute.getLocalPort()), e);
            assertTrue(e.contains("not finished within handshakeTimeout PT0.3S"), e);
            events.expect("disconnect", "destroy");
        }
    }

    private static SSLContext trustingTheTestCa() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(CERTS.path("ca.pem")))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void shouldNeverServeMoreThanMaxConnectionsHandshakingAtOnce() throws Exception {
        int max = 3;
        int extra = 4;
        Recorder events = new Recorder();
        IpcServer server = server(Net.config("world", "/tmp/").maxConnections(max), events);
        // hold the server's I/O thread until every client has connected and sent its hello: all of them then
        // handshake at once, none finished when the others are accepted
        CountDownLatch release = new CountDownLatch(1);
        server.on("start", (d, s) -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        SSLContext ctx = trustingTheTestCa();
        ExecutorService pool = Executors.newFixedThreadPool(max + extra);
        try {
            List<Future<Boolean>> handshakes = new ArrayList<>();
            for (int i = 0; i < max + extra; i++) {
                SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
                raw.add(s);
                s.connect(new InetSocketAddress("127.0.0.1", Net.port(server)), 10_000); // in the listen backlog
                s.setSoTimeout(30_000);
                handshakes.add(pool.submit(() -> {
                    try {
                        s.startHandshake();
                        return true;
                    } catch (IOException refused) {
                        return false;
                    }
                }));
            }
            release.countDown();
            int served = 0;
            for (Future<Boolean> h : handshakes) {
                served += h.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(max, served, "handshakes completed with maxConnections " + max + " of " + (max + extra)
                    + " clients handshaking at once");
            for (int i = 0; i < max; i++) {
                events.await("connect");
            }
            assertEquals(max, server.sockets().size());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
