package io.jipc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import io.jipc.IpcSocket;
import io.jipc.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * {@code jipc demo}: node-ipc's README hello/world exchange between two instances in this process, on a Unix socket
 * in a fresh temporary directory. "world" serves and answers {@code message} with data + " world!"; "hello" connects,
 * emits {@code message} "hello", prints the answer and disconnects. Each step is one JSON line, in a fixed order.
 */
final class DemoCommand {
    /** The whole exchange gets this long; it takes milliseconds. */
    static final long TIMEOUT_MS = 5_000;

    private final Out out;
    private final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
    private final CompletableFuture<String> started = new CompletableFuture<>();
    private final CompletableFuture<Message> reply = new CompletableFuture<>();
    private final CompletableFuture<IpcSocket> socketGone = new CompletableFuture<>();

    private DemoCommand(Out out) {
        this.out = out;
    }

    static int run(Options o, Out out) throws InterruptedException {
        Path root;
        try {
            root = Files.createTempDirectory("jipc-demo");
        } catch (IOException e) {
            throw new Failure("demo: cannot create a temporary directory: " + e.getMessage());
        }
        try {
            new DemoCommand(out).exchange(root.toString() + "/", o.flag("--silent"));
            return 0;
        } finally {
            deleteTree(root);
        }
    }

    private void exchange(String socketRoot, boolean silent) throws InterruptedException {
        IpcConfig common = IpcConfig.defaults().socketRoot(socketRoot).silent(silent);
        try (Ipc worldIpc = Ipc.create(common.copy().id("world"));
                Ipc helloIpc = Ipc.create(common.copy().id("hello").stopRetrying(true).maxRetries(0))) {
            IpcServer server = worldIpc.serve();
            server.on("start", (data, socket) -> {
                String path = ((UnixDomainSocketAddress) server.address()).getPath().toString();
                out.event(Json.line("start").put("server", "world").put("path", path));
                started.complete(path);
            });
            server.on("message", (data, socket) -> {
                out.event(message("hello", "world", data));
                socket.emit("message", data.asText() + " world!");
            });
            server.on("socket.disconnected", (data, socket) -> socketGone.complete(socket));
            server.on("error", (data, socket) -> reply.completeExceptionally(failure("world", data)));
            server.start();
            await(started, "world to start");

            // hello's ipc.of.world
            Connector.connect(helloIpc, new Address.Named("world", socketRoot, common.appspace()), world -> {
                world.on("connect", () -> {
                    out.event(Json.line("connect").put("client", "hello").put("server", "world"));
                    world.emit("message", "hello");
                });
                world.on("message", reply::complete);
                world.on("error", data -> reply.completeExceptionally(failure("hello", data)));
                world.on("destroy", () -> reply.completeExceptionally(
                        new Failure("demo: hello lost its connection before world answered")));
            });
            out.event(message("world", "hello", await(reply, "world's answer")));

            await(helloIpc.disconnect("world").toCompletableFuture(), "hello to disconnect");
            out.event(Json.line("disconnect").put("client", "hello").put("server", "world"));
            IpcSocket gone = await(socketGone, "world to see hello leave");
            out.event(Json.line("socket.disconnected").put("server", "world").put("socket", gone.id()));
        }
        out.event(Json.line("stop").put("server", "world"));
    }

    private static ObjectNode message(String from, String to, Message data) {
        ObjectNode line = Json.line("message").put("from", from).put("to", to);
        line.set("data", Json.data(data));
        return line;
    }

    private static Failure failure(String who, Message error) {
        String why = error.error().map(IpcException::getMessage).orElse(error.asText());
        return new Failure("demo: " + who + " reported an error: " + why);
    }

    private <T> T await(Future<T> step, String what) throws InterruptedException {
        try {
            return step.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new Failure("demo: timed out after " + TIMEOUT_MS + " ms waiting for " + what);
        } catch (ExecutionException e) {
            Throwable cause = Json.unwrap(e);
            throw cause instanceof Failure ? (Failure) cause
                    : new Failure("demo: failed waiting for " + what + ": " + cause.getMessage());
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is not worth failing the demo for
        }
    }
}
