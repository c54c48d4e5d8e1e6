package io.jipc.examples;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;

import java.io.PrintStream;
import java.time.Duration;

/**
 * node-ipc's hello/world over a Unix domain socket ({@code example/unixWindowsSocket/basic}): "world" serves on
 * {@code /tmp/app.world} and answers each {@code message} with the text plus {@code " world!"}; "hello" connects,
 * sends {@code "hello"} and prints the answer.
 *
 * <pre>
 * java -jar jipc-examples.jar hello-unix [world|hello] [--socket-root DIR] [--timeout SECONDS]
 * </pre>
 *
 * Without a role both run in this process; with {@code world} in one terminal and {@code hello} in another they
 * talk across processes (hello retries until world is there). The socket is {@code socketRoot + appspace + id}, as
 * in node-ipc: {@code /tmp/} + {@code app.} + {@code world} unless {@code --socket-root} says otherwise.
 */
public final class HelloWorldUnix {
    private HelloWorldUnix() {
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args {@code [world|hello] [--socket-root DIR] [--timeout SECONDS]}
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
        return ExampleRunner.exitStatus("hello-unix", out, err, () -> {
            ExampleArgs options = ExampleArgs.parse(args, true, "socket-root");
            String socketRoot = options.option("socket-root", "/tmp/");
            try (Ipc world = options.runsWorld() ? startWorld(socketRoot, out) : null) {
                if (options.runsHello()) {
                    hello(socketRoot, options.timeout(), out);
                } else {
                    ExampleRunner.serveUntilStopped(out, world);
                }
            }
        });
    }

    /** node-ipc's world-server.js: serve, answer every "message" on the socket it came from. */
    private static Ipc startWorld(String socketRoot, PrintStream out) {
        Ipc ipc = Ipc.create(IpcConfig.defaults().id("world").socketRoot(socketRoot));
        IpcServer server = ipc.serve();
        server.on("message", (data, socket) -> {
            out.println("world: got a message: " + data.asText());
            socket.emit("message", data.asText() + " world!");
        });
        server.start();
        out.println("world: listening on " + server.address());
        return ipc;
    }

    /** node-ipc's hello-client.js: connect to "world", send "hello", wait for the answer. */
    private static void hello(String socketRoot, Duration timeout, PrintStream out) {
        Expected<String> answer = new Expected<>("answer from world");
        try (Ipc ipc = Ipc.create(IpcConfig.defaults().id("hello").socketRoot(socketRoot))) {
            ipc.connectTo("world", world -> {      // handlers go here, before the first connection attempt
                world.on("connect", () -> {
                    out.println("hello: connected to world");
                    world.emit("message", "hello");
                });
                world.on("message", data -> answer.complete(data.asText()));
                world.on("error", answer::noteError);
            });
            out.println("hello: got a message from world: " + answer.await(timeout));
        }
    }
}
