package io.jipc.examples;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * node-ipc's Multi-Client-Broadcast example ({@code example/unixWindowsSocket/Multi-Client-Broadcast}): "world"
 * serves on a Unix socket; three clients, "hello", "goodbye" and "howdy", each connect and introduce themselves
 * with an {@code app.message}; once world has heard from all three it broadcasts {@code kill.connection} to every
 * connected socket, and each client prints it and disconnects.
 *
 * <pre>
 * java -jar jipc-examples.jar broadcast [--socket-root DIR] [--timeout SECONDS]
 * </pre>
 *
 * Each client is an {@link Ipc} of its own, as each is a process of its own in node-ipc's example.
 */
public final class Broadcast {
    /** The clients, each an {@code Ipc} with this id. */
    static final List<String> CLIENTS = List.of("hello", "goodbye", "howdy");

    /**
     * The data of every event here: node-ipc's example sends {@code {id, message}}.
     *
     * @param id who sends it
     * @param message the text
     */
    public record Note(String id, String message) {
    }

    private Broadcast() {
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args {@code [--socket-root DIR] [--timeout SECONDS]}
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
     * @return 0 when every client received the broadcast, 1 when not, 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ExampleRunner.exitStatus("broadcast", out, err, () -> {
            ExampleArgs options = ExampleArgs.parse(args, false, "socket-root");
            String socketRoot = options.option("socket-root", "/tmp/");
            Ipc world = startWorld(socketRoot, out);
            List<Ipc> clients = new ArrayList<>();
            try {
                List<Expected<Note>> broadcasts = new ArrayList<>();
                for (String id : CLIENTS) {
                    Expected<Note> broadcast = new Expected<>("broadcast from world at " + id);
                    clients.add(client(id, socketRoot, broadcast, out));
                    broadcasts.add(broadcast);
                }
                for (Expected<Note> broadcast : broadcasts) {
                    broadcast.await(options.timeout());
                }
                out.println("world: every client received the broadcast");
            } finally {
                clients.forEach(Ipc::close);
                world.close();
            }
        });
    }

    /** node-ipc's world-server.js: note who spoke; once all three did, broadcast to every socket. */
    private static Ipc startWorld(String socketRoot, PrintStream out) {
        Set<String> heardFrom = ConcurrentHashMap.newKeySet();
        Ipc ipc = Ipc.create(IpcConfig.defaults().id("world").socketRoot(socketRoot));
        IpcServer server = ipc.serve();
        server.on("app.message", Note.class, (note, data, socket) -> {
            out.println("world: got a message from " + note.id() + ": " + note.message());
            if (heardFrom.add(note.id()) && heardFrom.size() == CLIENTS.size()) {
                out.println("world: heard from all " + CLIENTS.size() + " clients, broadcasting kill.connection to "
                        + server.sockets().size() + " sockets");
                server.broadcast("kill.connection", new Note("world", "goodbye, everyone"));
            }
        });
        server.start();
        out.println("world: listening on " + server.address());
        return ipc;
    }

    /** node-ipc's hello-client.js / goodbye-client.js: introduce yourself, wait for the broadcast. */
    private static Ipc client(String id, String socketRoot, Expected<Note> broadcast, PrintStream out) {
        Ipc ipc = Ipc.create(IpcConfig.defaults().id(id).socketRoot(socketRoot));
        ipc.connectTo("world", world -> {
            world.on("connect", () -> world.emit("app.message", new Note(id, id + " is here")));
            world.on("kill.connection", Note.class, (note, data) -> {
                out.println(id + ": got the broadcast from " + note.id() + ": " + note.message());
                broadcast.complete(note);
                ipc.disconnect("world");
            });
            world.on("error", broadcast::noteError);
        });
        return ipc;
    }
}
