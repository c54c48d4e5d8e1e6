package io.jipc.examples;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.IpcServer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * node-ipc's most secure TLS example ({@code example/TLSSocket/basic-most-secure}, "twoWay"): mutual
 * authentication. "world" serves TLS on {@code localhost:8000}, shows its certificate and requires one from every
 * client ({@code requestCert}), signed by the CA it trusts; "hello" shows its own and checks world's. Then, when
 * both run here, a client without a certificate tries and world refuses it ({@code ECERTREQUIRED}).
 *
 * <pre>
 * java -jar jipc-examples.jar tls-mutual-auth [world|hello] [--certs DIR] [--host HOST] [--port PORT] [--timeout SECONDS]
 * </pre>
 *
 * {@code DIR} holds PEM files: {@code ca.pem} (the CA both sides trust), {@code server.key}/{@code server.pem} and
 * {@code client.key}/{@code client.pem}. Without {@code --certs} the example makes a throwaway set with
 * {@code openssl} in a temporary directory and says where; in two terminals, start {@code world} first and give
 * {@code hello} that directory.
 */
public final class TlsMutualAuth {
    private TlsMutualAuth() {
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args {@code [world|hello] [--certs DIR] [--host HOST] [--port PORT] [--timeout SECONDS]}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the example.
     *
     * @param args as for {@link #main}
     * @param out where the exchange is printed
     * @param err where a failure is printed
     * @return 0 when hello got world's answer over mutually authenticated TLS (and, with both here, the client
     *     without a certificate was refused), 1 when not, 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ExampleRunner.exitStatus("tls-mutual-auth", out, err, () -> {
            ExampleArgs options = ExampleArgs.parse(args, true, "certs", "host", "port");
            String host = options.option("host", "localhost");
            int port = options.port("port", 8000);
            String given = options.option("certs", null);
            if (given == null && !options.runsWorld()) {
                throw new ExampleArgs.UsageException("hello needs --certs DIR (the directory world printed)");
            }
            Path certs = given != null ? Path.of(given) : makeCerts(out);
            try (Ipc world = options.runsWorld() ? startWorld(certs, host, port, out) : null) {
                if (world != null) {
                    port = ((InetSocketAddress) world.server().address()).getPort(); // the OS's choice for port 0
                }
                if (!options.runsHello()) {
                    out.println("world: start hello with --certs " + certs);
                    ExampleRunner.serveUntilStopped(out, world);
                    return;
                }
                hello(certs, host, port, options.timeout(), out);
                if (world != null) {
                    strangerIsRefused(world.server(), certs, host, port, options.timeout(), out);
                }
            } finally {
                if (given == null && options.runsHello()) {
                    deleteCerts(certs);
                }
            }
        });
    }

    /** node-ipc's world-server.js with tls {private, public, trustedConnections, requestCert: true}. */
    private static Ipc startWorld(Path certs, String host, int port, PrintStream out) {
        IpcConfig.Tls tls = IpcConfig.Tls.create()
                .privateKey(certs.resolve("server.key").toString())
                .publicCert(certs.resolve("server.pem").toString())
                .trustedConnections(certs.resolve("ca.pem").toString()) // clients must show a cert signed by it
                .requestCert(true);                                     // rejectUnauthorized is true by default
        Ipc ipc = Ipc.create(IpcConfig.defaults().id("world").tls(tls));
        IpcServer server = ipc.serveNet(host, port);
        server.on("message", (data, socket) -> {
            out.println("world: got a message from an authenticated client: " + data.asText());
            socket.emit("message", data.asText() + " world!");
        });
        server.start();
        out.println("world: listening with TLS on " + server.address() + ", client certificates required");
        return ipc;
    }

    /** node-ipc's hello-client.js with tls {private, public, trustedConnections}. */
    private static void hello(Path certs, String host, int port, Duration timeout, PrintStream out) {
        IpcConfig.Tls tls = IpcConfig.Tls.create()
                .privateKey(certs.resolve("client.key").toString())
                .publicCert(certs.resolve("client.pem").toString())
                .trustedConnections(certs.resolve("ca.pem").toString()); // and world's cert must name the host
        Expected<String> answer = new Expected<>("answer from world");
        try (Ipc ipc = Ipc.create(IpcConfig.defaults().id("hello").tls(tls))) {
            ipc.connectToNet("world", host, port, world -> {
                world.on("connect", () -> {               // after the handshake: both certificates were accepted
                    out.println("hello: connected to world over TLS");
                    world.emit("message", "hello");
                });
                world.on("message", data -> answer.complete(data.asText()));
                world.on("error", answer::noteError);
            });
            out.println("hello: got a message from world: " + answer.await(timeout));
        }
    }

    /** A client that trusts world but has no certificate of its own: world refuses it. */
    private static void strangerIsRefused(IpcServer server, Path certs, String host, int port, Duration timeout,
            PrintStream out) {
        Expected<IpcException> refusal = new Expected<>("refusal of the client without a certificate");
        server.on("error", (data, socket) -> data.error().ifPresent(refusal::complete));
        IpcConfig.Tls tls = IpcConfig.Tls.create().trustedConnections(certs.resolve("ca.pem").toString());
        try (Ipc ipc = Ipc.create(IpcConfig.defaults().id("stranger").tls(tls).stopRetrying(true))) {
            ipc.connectToNet("world", host, port, stranger -> stranger.on("error", data -> data.error()
                    .ifPresent(e -> out.println("stranger: refused: " + Expected.describe(e)))));
            IpcException reason = refusal.await(timeout);
            if (!IpcException.ECERTREQUIRED.equals(reason.code())) {
                throw new ExampleFailure("world refused the client without a certificate for another reason: "
                        + Expected.describe(reason));
            }
            out.println("world: refused a client without a certificate: " + Expected.describe(reason));
        }
    }

    private static Path makeCerts(PrintStream out) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jipc-example-certs-");
        ThrowawayCerts.make(dir);
        out.println("made a throwaway CA, server and client certificate with openssl in " + dir + ": "
                + String.join(", ", ThrowawayCerts.FILES));
        return dir;
    }

    private static void deleteCerts(Path dir) throws IOException {
        for (String name : ThrowawayCerts.FILES) {
            Files.deleteIfExists(dir.resolve(name));
        }
        Files.deleteIfExists(dir);
    }
}
