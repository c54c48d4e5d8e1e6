package io.jipc.examples;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A jipc server answering a real node-ipc client: "world" is jipc, serving on a Unix socket; "hello" is node-ipc's
 * own hello client, run by {@code node} from a small script this example carries ({@code node-ipc-hello.mjs}). The
 * bytes between them are node-ipc's JSON frames, so neither side knows the other is not its own kind.
 *
 * <pre>
 * java -jar jipc-examples.jar node-ipc-peer [--node-ipc-version 9|14] [--node-ipc-dir DIR] [--node NODE]
 *     [--socket-root DIR] [--timeout SECONDS]
 * </pre>
 *
 * {@code DIR}'s {@code node_modules} must hold node-ipc as the repository's {@code ci/node-ipc} does
 * ({@code bash ci/node-ipc/install.sh} installs 9.2.1 as {@code node-ipc-9} and 14.0.0 as {@code node-ipc-14});
 * by default it is the system property {@code jipc.nodeipc.dir}, else the {@code ci/node-ipc} found from the
 * working directory upwards. The version defaults to 14.
 */
public final class NodeIpcPeer {
    private static final String SCRIPT = "node-ipc-hello.mjs";

    private NodeIpcPeer() {
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args {@code [--node-ipc-version 9|14] [--node-ipc-dir DIR] [--node NODE] [--socket-root DIR]
     *     [--timeout SECONDS]}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the example.
     *
     * @param args as for {@link #main}
     * @param out where the exchange is printed, the node client's lines included
     * @param err where a failure is printed
     * @return 0 when the node-ipc client got jipc's answer and exited 0, 1 when not, 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ExampleRunner.exitStatus("node-ipc-peer", out, err, () -> {
            ExampleArgs options = ExampleArgs.parse(args, false,
                    "node-ipc-version", "node-ipc-dir", "node", "socket-root");
            String version = options.option("node-ipc-version", "14");
            if (!version.equals("9") && !version.equals("14")) {
                throw new ExampleArgs.UsageException("--node-ipc-version must be 9 or 14, not '" + version + "'");
            }
            Path nodeIpcDir = nodeIpcDir(options.option("node-ipc-dir", null), version);
            String socketRoot = options.option("socket-root", "/tmp/");
            Expected<String> heard = new Expected<>("message from the node-ipc client");
            Ipc world = startWorld(socketRoot, heard, out);
            try {
                runNodeClient(options.option("node", "node"), nodeIpcDir, version, socketRoot, options.timeout(),
                        out);
                out.println("world (jipc): the node-ipc client said " + heard.await(Duration.ofSeconds(1))
                        + " and got its answer");
            } finally {
                world.close();
            }
        });
    }

    /** The jipc side: node-ipc's world-server.js, exactly as for a jipc client. */
    private static Ipc startWorld(String socketRoot, Expected<String> heard, PrintStream out) {
        Ipc ipc = Ipc.create(IpcConfig.defaults().id("world").socketRoot(socketRoot));
        IpcServer server = ipc.serve();
        server.on("message", (data, socket) -> {
            out.println("world (jipc): got a message: " + data.asText());
            socket.emit("message", data.asText() + " world!");
            heard.complete(data.asText());
        });
        server.start();
        out.println("world (jipc): listening on " + server.address());
        return ipc;
    }

    /** Runs node on the bundled client script, printing its lines, and checks it ended well and in time. */
    private static void runNodeClient(String node, Path nodeIpcDir, String version, String socketRoot,
            Duration timeout, PrintStream out) throws IOException, InterruptedException {
        Path script = Files.createTempFile("jipc-node-ipc-hello-", ".mjs");
        try {
            try (InputStream in = NodeIpcPeer.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new ExampleFailure(SCRIPT + " is missing from the classpath");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> command = List.of(node, script.toString(), nodeIpcDir.toString(), version, socketRoot,
                    Long.toString(timeout.toMillis()));
            Process process;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new ExampleFailure("cannot run '" + node + "' (is node installed? --node PATH names it): "
                        + e.getMessage());
            }
            process.getOutputStream().close();
            Thread printer = new Thread(() -> printLines(process.getInputStream(), out), "node-output");
            printer.start();
            boolean ended = process.waitFor(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor();
            }
            printer.join();
            if (!ended) {
                throw new ExampleFailure("the node-ipc client did not finish within " + timeout.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new ExampleFailure("the node-ipc client exited with status " + process.exitValue());
            }
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static void printLines(InputStream in, PrintStream out) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                out.println(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory whose node_modules holds node-ipc: as given, else jipc.nodeipc.dir, else ci/node-ipc above. */
    private static Path nodeIpcDir(String given, String version) {
        Path dir = null;
        if (given != null) {
            dir = Path.of(given);
        } else if (System.getProperty("jipc.nodeipc.dir") != null) {
            dir = Path.of(System.getProperty("jipc.nodeipc.dir"));
        } else {
            for (Path p = Path.of("").toAbsolutePath(); p != null && dir == null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("ci/node-ipc/package.json"))) {
                    dir = p.resolve("ci/node-ipc");
                }
            }
            if (dir == null) {
                throw new ExampleArgs.UsageException("no ci/node-ipc above " + Path.of("").toAbsolutePath()
                        + "; name the directory with --node-ipc-dir DIR");
            }
        }
        if (!Files.isRegularFile(dir.resolve("node_modules/node-ipc-" + version + "/package.json"))) {
            throw new ExampleFailure("node-ipc " + version + " is not installed in " + dir.toAbsolutePath()
                    + "/node_modules (run: bash ci/node-ipc/install.sh)");
        }
        return dir.toAbsolutePath();
    }
}
