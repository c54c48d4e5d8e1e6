package io.jipc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A running benchmark server: either in this JVM ({@code --same-jvm}) or a child JVM started as
 * {@code java -cp <this classpath> io.jipc.bench.Bench server uds|tcp|udp|tls <dir>}, as the C reference forks a
 * second process. For uds the socket lives in a fresh temp directory; for tls {@link BenchCerts} makes throwaway
 * certificates into one (by this process, before the server starts); either is removed on {@link #close()}. Extra JVM options for the child come from the environment variable
 * {@code JIPC_BENCH_SERVER_OPTS} (whitespace separated, e.g. to profile the server with JFR).
 */
final class ServerHandle implements AutoCloseable {
    /** Environment variable with extra JVM options for the server child. */
    static final String OPTS_ENV = "JIPC_BENCH_SERVER_OPTS";

    private final Endpoint endpoint;
    private final Path tempDir;
    private final BenchServer inProcess;
    private final Process child;
    private final Thread pump;

    private ServerHandle(Endpoint endpoint, Path tempDir, BenchServer inProcess, Process child, Thread pump) {
        this.endpoint = endpoint;
        this.tempDir = tempDir;
        this.inProcess = inProcess;
        this.child = child;
        this.pump = pump;
    }

    /**
     * Starts a server and waits until it listens.
     *
     * @param transport one of {@link Endpoint#TRANSPORTS}
     * @param sameJvm true to serve from this JVM (its own Ipc and I/O thread), false for a child JVM
     * @return the running server
     * @throws IOException when the child cannot be started or the temp directory cannot be made
     */
    static ServerHandle start(String transport, boolean sameJvm) throws IOException {
        boolean tls = "tls".equals(transport);
        Path dir = "uds".equals(transport) || tls ? Files.createTempDirectory("jipc-bench") : null;
        String root = dir == null ? "-" : dir.toAbsolutePath() + "/";
        if (tls) {
            try {
                BenchCerts.make(dir);
            } catch (RuntimeException e) {
                deleteTree(dir);
                throw e;
            }
        }
        if (sameJvm) {
            BenchServer s;
            try {
                s = new BenchServer(transport, root);
            } catch (RuntimeException e) {
                deleteTree(dir);
                throw e;
            }
            return new ServerHandle(s.endpoint(), dir, s, null, null);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv(OPTS_ENV);
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(List.of(opts.trim().split("\\s+")));
        }
        String busyPoll = System.getProperty(Endpoint.BUSY_POLL_PROPERTY);
        if (busyPoll != null) {
            cmd.add("-D" + Endpoint.BUSY_POLL_PROPERTY + "=" + busyPoll); // both sides spin alike
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Bench.class.getName());
        cmd.add("server");
        cmd.add(transport);
        cmd.add(root);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
            System.err.println("[bench server] " + line); // e.g. JVM logging on stdout
        }
        if (line == null) {
            p.destroyForcibly();
            deleteTree(dir);
            throw new IOException("the server child exited before listening: " + String.join(" ", cmd));
        }
        Endpoint ep = Endpoint.parseReady(line);
        Thread pump = new Thread(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    System.err.println("[bench server] " + l);
                }
            } catch (IOException ignored) {
                // child gone
            }
        }, "bench-server-stdout");
        pump.setDaemon(true);
        pump.start();
        return new ServerHandle(ep, dir, null, p, pump);
    }

    /**
     * @return the server, when it runs in this JVM
     * @throws IllegalStateException when it runs in a child JVM
     */
    io.jipc.IpcServer server() {
        if (inProcess == null) {
            throw new IllegalStateException("the server runs in a child JVM");
        }
        return inProcess.server();
    }

    /** @return where the server listens */
    Endpoint endpoint() {
        return endpoint;
    }

    /** @return "1" when the server runs in this JVM, else "2" */
    int jvms() {
        return child == null ? 1 : 2;
    }

    /** Stops the server (closes the child's stdin and waits for it to exit) and removes the temp directory. */
    @Override
    public void close() {
        try {
            if (inProcess != null) {
                inProcess.close();
            } else {
                child.getOutputStream().close();
                if (!child.waitFor(30, TimeUnit.SECONDS)) {
                    System.err.println("[bench] server child did not exit within 30 s; killing it");
                    child.destroyForcibly();
                    child.waitFor(10, TimeUnit.SECONDS);
                }
                pump.join(1000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(tempDir);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
