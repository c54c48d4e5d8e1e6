package io.jipc.examples;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * node-ipc's hello/world over TCP ({@code example/TCPSocket/basic}): "world" serves on {@code localhost:8000}
 * (node-ipc's {@code networkHost} and {@code networkPort} defaults) and answers each {@code message}; "hello"
 * connects with {@code connectToNet}, sends {@code "hello"} and prints the answer.
 *
 * <pre>
 * java -jar jipc-examples.jar hello-tcp [world|hello] [--host HOST] [--port PORT] [--timeout SECONDS]
 * </pre>
 *
 * Without a role both run in this process, and {@code --port 0} lets the OS choose a free port. With {@code world}
 * and {@code hello} in two terminals, give both the same port.
 */
public final class HelloWorldTcp {
    private HelloWorldTcp() {
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args {@code [world|hello] [--host HOST] [--port PORT] [--timeout SECONDS]}
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
        return ExampleRunner.exitStatus("hello-tcp", out, err, () -> {
            ExampleArgs options = ExampleArgs.parse(args, true, "host", "port");
            String host = options.option("host", "localhost");
            int port = options.port("port", 8000);
            try (Ipc world = options.runsWorld() ? startWorld(host, port, out) : null) {
                if (world != null) {
                    port = ((InetSocketAddress) world.server().address()).getPort(); // the OS's choice for port 0
                }
                if (options.runsHello()) {
                    hello(host, port, options.timeout(), out);
                } else {
                    ExampleRunner.serveUntilStopped(out, world);
                }
            }
        });
    }

    /** node-ipc's world-server.js with serveNet: listen on host:port, answer every "message". */
    private static Ipc startWorld(String host, int port, PrintStream out) {
        Ipc ipc = Ipc.create(IpcConfig.defaults().id("world"));
        IpcServer server = ipc.serveNet(host, port);
        server.on("message", (data, socket) -> {
            out.println("world: got a message from " + socket.remoteAddress() + ": " + data.asText());
            socket.emit("message", data.asText() + " world!");
        });
        server.start();
        out.println("world: listening on " + server.address());
        return ipc;
    }

    /** node-ipc's hello-client.js with connectToNet: connect, send "hello", wait for the answer. */
    private static void hello(String host, int port, Duration timeout, PrintStream out) {
        Expected<String> answer = new Expected<>("answer from world");
        try (Ipc ipc = Ipc.create(IpcConfig.defaults().id("hello"))) {
            ipc.connectToNet("world", host, port, world -> {
                world.on("connect", () -> {
                    out.println("hello: connected to world at " + host + ":" + port);
                    world.emit("message", "hello");
                });
                world.on("message", data -> answer.complete(data.asText()));
                world.on("error", answer::noteError);
            });
            out.println("hello: got a message from world: " + answer.await(timeout));
        }
    }
}
