package io.jipc.examples;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;
import io.jipc.UdpType;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * node-ipc's UDP example ({@code example/UDPSocket/basic}): UDP has no connections, so "hello" is not a client but
 * a second UDP server on a port of its own. "world" listens on {@code localhost:8000}; "hello" listens on 8001 and
 * sends world one datagram, {@code {"id":"hello","message":"hello"}}; world answers the sender from its own port.
 *
 * <pre>
 * java -jar jipc-examples.jar udp [world|hello] [--host HOST] [--port PORT] [--hello-port PORT] [--timeout SECONDS]
 * </pre>
 *
 * In two terminals start world first: a datagram sent before anyone listens is simply lost, as with node-ipc.
 * Without a role both run here, and port 0 lets the OS choose.
 */
public final class Udp {
    /**
     * The data both sides send: node-ipc's UDP example sends {@code {id, message}}.
     *
     * @param id who sends it
     * @param message the text
     */
    public record Greeting(String id, String message) {
    }

    private Udp() {
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args {@code [world|hello] [--host HOST] [--port PORT] [--hello-port PORT] [--timeout SECONDS]}
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
     * @return 0 when hello got world's answer (or world served until stopped), 1 when not, 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ExampleRunner.exitStatus("udp", out, err, () -> {
            ExampleArgs options = ExampleArgs.parse(args, true, "host", "port", "hello-port");
            String host = options.option("host", "localhost");
            int port = options.port("port", 8000);
            try (Ipc world = options.runsWorld() ? startWorld(host, port, out) : null) {
                if (world != null) {
                    port = ((InetSocketAddress) world.server().address()).getPort(); // the OS's choice for port 0
                }
                if (options.runsHello()) {
                    hello(host, options.port("hello-port", 8001), new InetSocketAddress(host, port),
                            options.timeout(), out);
                } else {
                    ExampleRunner.serveUntilStopped(out, world);
                }
            }
        });
    }

    /** node-ipc's world-server.js with serveNet('udp4'): answer every "message" to its sender. */
    private static Ipc startWorld(String host, int port, PrintStream out) {
        Ipc ipc = Ipc.create(IpcConfig.defaults().id("world"));
        IpcServer server = ipc.serveNet(host, port, UdpType.UDP4);
        server.on("message", Greeting.class, (greeting, data, sender) -> {
            out.println("world: got a datagram from " + greeting.id() + " at " + sender.remoteAddress() + ": "
                    + greeting.message());
            sender.emit("message", new Greeting("world", greeting.message() + " world!"));
        });
        server.start();
        out.println("world: listening for udp4 datagrams on " + server.address());
        return ipc;
    }

    /** node-ipc's hello-client.js: a UDP server of its own that sends world one datagram. */
    private static void hello(String host, int port, InetSocketAddress world, Duration timeout, PrintStream out) {
        Expected<Greeting> answer = new Expected<>("answer from world");
        try (Ipc ipc = Ipc.create(IpcConfig.defaults().id("hello"))) {
            IpcServer hello = ipc.serveNet(host, port, UdpType.UDP4);
            hello.on("message", Greeting.class, (greeting, data, sender) -> answer.complete(greeting));
            hello.on("error", (data, sender) -> answer.noteError(data));
            hello.start();
            out.println("hello: listening on " + hello.address() + ", sending a datagram to " + world);
            hello.emit(world, "message", new Greeting("hello", "hello")); // node-ipc's emit({address, port}, ...)
            Greeting greeting = answer.await(timeout);
            out.println("hello: got a datagram from " + greeting.id() + ": " + greeting.message());
        }
    }
}
