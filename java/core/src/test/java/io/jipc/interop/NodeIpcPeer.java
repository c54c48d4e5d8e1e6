package io.jipc.interop;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Test harness around {@code ci/node-ipc/peer.mjs}: one real node-ipc process (9.2.1 or 14.0.0) acting as a
 * server or a client, driven by JSON commands on its stdin and reporting JSON events on its stdout.
 *
 * <p>Typical use:
 * <pre>{@code
 * try (NodeIpcPeer server = NodeIpcPeer.start("9", "--role", "server", "--transport", "unix",
 *         "--socket-root", dir.toString(), "--id", "world", "--events", "message", "--echo")) {
 *     ... connect a jipc client to dir/app.world, emit "message" ...
 *     JsonNode got = server.awaitMessage("message", Duration.ofSeconds(5));
 *     server.call(NodeIpcPeer.cmd("op", "broadcast", "type", "news", "data", Map.of("n", 1)));
 * }
 * }</pre>
 *
 * <p>Events that an {@link #await} does not match stay available to later awaits, so a test can wait for
 * events in any order. See {@code ci/node-ipc/README.md} for the full command and event protocol.
 */
public final class NodeIpcPeer implements AutoCloseable {

    /** Mapper used for the line protocol; string limits raised so that multi-MiB payloads parse. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build());

    /** Default time to wait for the peer's {@code ready} event and for acks in {@link #call}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final int STDERR_LIMIT = 64 * 1024;
    private static final int HISTORY_IN_MESSAGES = 40;
    private static final int EVENT_TEXT_LIMIT = 400;

    private static final Object INSTALL_LOCK = new Object();
    private static boolean installed; // guarded by INSTALL_LOCK
    private static RuntimeException installFailure; // guarded by INSTALL_LOCK

    /** Put into the queue by the reader thread when stdout ends; compared by identity. */
    private final JsonNode endOfStream = MAPPER.createObjectNode().put("event", "<end of stdout>");

    private final String version;
    private final List<String> command;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
    private final List<JsonNode> unconsumed = new ArrayList<>(); // guarded by itself
    private final List<JsonNode> history = new ArrayList<>(); // guarded by itself
    private final StringBuilder stderr = new StringBuilder(); // guarded by itself
    private final AtomicLong seq = new AtomicLong();
    private Thread stdoutReader;
    private Thread stderrReader;
    private JsonNode ready;
    private volatile boolean closed;

    private NodeIpcPeer(String version, List<String> command, Process process) {
        this.version = version;
        this.command = command;
        this.process = process;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------------------------------
    // starting
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Launches {@code node peer.mjs --version VERSION ARGS...} and waits (up to 20 s) for its {@code ready} event.
     *
     * @param version "9" (node-ipc 9.2.1) or "14" (node-ipc 14.0.0)
     * @param args    the remaining peer options, e.g. {@code "--role", "server", "--transport", "tcp", "--port", "18000"}
     */
    public static NodeIpcPeer start(String version, String... args) {
        Path dir = peerDir();
        ensureInstalled(dir);
        List<String> cmd = new ArrayList<>();
        cmd.add(nodeExecutable());
        cmd.add(dir.resolve("peer.mjs").toString());
        cmd.add("--version");
        cmd.add(version);
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
        NodeIpcPeer peer = new NodeIpcPeer(version, List.copyOf(cmd), process);
        peer.startReaders();
        try {
            peer.ready = peer.awaitEvent("ready", DEFAULT_TIMEOUT);
        } catch (RuntimeException | Error e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    /** The directory holding peer.mjs: system property {@code jipc.nodeipc.dir}, else found by walking up. */
    public static Path peerDir() {
        String configured = System.getProperty("jipc.nodeipc.dir");
        if (configured != null && !configured.isBlank()) {
            Path p = Paths.get(configured).toAbsolutePath().normalize();
            if (Files.isRegularFile(p.resolve("peer.mjs"))) {
                return p;
            }
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("ci").resolve("node-ipc");
            if (Files.isRegularFile(candidate.resolve("peer.mjs"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find ci/node-ipc/peer.mjs (system property jipc.nodeipc.dir="
                + configured + ", working directory " + Paths.get("").toAbsolutePath() + ")");
    }

    private static String nodeExecutable() {
        String node = System.getProperty("jipc.node");
        return node != null && !node.isBlank() ? node : "node";
    }

    /**
     * Runs {@code npm ci --ignore-scripts --no-audit --no-fund} in the peer directory if either node-ipc alias
     * is missing from node_modules. Done at most once per JVM; a failure is remembered and rethrown.
     */
    public static void ensureInstalled(Path dir) {
        synchronized (INSTALL_LOCK) {
            if (installed) {
                return;
            }
            if (installFailure != null) {
                throw installFailure;
            }
            Path modules = dir.resolve("node_modules");
            if (Files.isRegularFile(modules.resolve("node-ipc-9").resolve("package.json"))
                    && Files.isRegularFile(modules.resolve("node-ipc-14").resolve("package.json"))) {
                installed = true;
                return;
            }
            try {
                runNpmCi(dir);
                installed = true;
            } catch (RuntimeException e) {
                installFailure = e;
                throw e;
            }
        }
    }

    private static void runNpmCi(Path dir) {
        String npm = System.getProperty("jipc.npm", "npm");
        List<String> cmd = List.of(npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund");
        File log;
        try {
            log = File.createTempFile("jipc-npm-ci", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log).redirectInput(ProcessBuilder.Redirect.from(nullDevice())).start();
            boolean done = p.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            if (!done || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " in " + dir
                        + (done ? " failed with exit code " + p.exitValue() : " timed out after " + INSTALL_TIMEOUT)
                        + ":\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + " in " + dir + " could not run: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running npm ci", e);
        } finally {
            try {
                Files.deleteIfExists(log.toPath());
            } catch (IOException ignored) {
                // temp file; harmless if it stays
            }
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private void startReaders() {
        stdoutReader = new Thread(this::readStdout, "node-ipc-peer-" + process.pid() + "-stdout");
        stdoutReader.setDaemon(true);
        stdoutReader.start();
        stderrReader = new Thread(this::readStderr, "node-ipc-peer-" + process.pid() + "-stderr");
        stderrReader.setDaemon(true);
        stderrReader.start();
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode event;
                try {
                    event = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    event = MAPPER.createObjectNode().put("event", "<unparsed stdout>").put("line", line)
                            .put("problem", e.getOriginalMessage());
                }
                synchronized (history) {
                    history.add(event);
                }
                queue.add(event);
            }
        } catch (IOException e) {
            appendStderr("[harness] stdout read failed: " + e + "\n");
        } finally {
            queue.add(endOfStream);
        }
    }

    private void readStderr() {
        try (Reader in = new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)) {
            char[] buf = new char[8192];
            int n;
            while ((n = in.read(buf)) != -1) {
                appendStderr(new String(buf, 0, n));
            }
        } catch (IOException e) {
            appendStderr("[harness] stderr read failed: " + e + "\n");
        }
    }

    private void appendStderr(String s) {
        synchronized (stderr) {
            stderr.append(s);
            if (stderr.length() > STDERR_LIMIT) {
                stderr.delete(0, stderr.length() - STDERR_LIMIT);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // commands
    // ------------------------------------------------------------------------------------------------------------

    /** Builds a command map from alternating keys and values: {@code cmd("op", "emit", "type", "t", "data", 1)}. */
    public static Map<String, Object> cmd(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("odd number of arguments");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(String.valueOf(keysAndValues[i]), keysAndValues[i + 1]);
        }
        return m;
    }

    /**
     * Writes one command line. The command is serialised with Jackson (a Map, a JsonNode, a POJO); a
     * {@link CharSequence} is taken to be JSON text already and written as it is.
     */
    public void send(Object command) {
        String line;
        if (command instanceof CharSequence) {
            line = command.toString();
        } else {
            try {
                line = MAPPER.writeValueAsString(command);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot serialise command " + command, e);
            }
        }
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a command must be a single line");
        }
        try {
            synchronized (stdin) {
                stdin.write(line);
                stdin.write('\n');
                stdin.flush();
            }
        } catch (IOException e) {
            throw new AssertionError(describe("cannot write command to peer: " + e), e);
        }
    }

    /** Sends a command with a fresh "seq" and waits (20 s) for its ack; fails if the ack carries an error. */
    public JsonNode call(Map<String, ?> command) {
        return call(command, DEFAULT_TIMEOUT);
    }

    /** Sends a command with a fresh "seq" and waits for its ack; fails if the ack carries an error. */
    public JsonNode call(Map<String, ?> command, Duration timeout) {
        long s = seq.incrementAndGet();
        Map<String, Object> withSeq = new LinkedHashMap<>(command);
        withSeq.put("seq", s);
        send(withSeq);
        JsonNode ack = await(e -> "ack".equals(e.path("event").asText()) && e.path("seq").asLong(-1) == s,
                timeout);
        if (ack.hasNonNull("error")) {
            throw new AssertionError(describe("peer rejected " + truncate(String.valueOf(withSeq))
                    + ": " + ack.get("error").asText()));
        }
        return ack;
    }

    // ------------------------------------------------------------------------------------------------------------
    // events
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Returns (and consumes) the first not-yet-consumed event that matches, waiting up to {@code timeout}.
     * Events that do not match stay available for later awaits.
     *
     * @throws AssertionError on timeout or when the peer's stdout ended first
     */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout) {
        Optional<JsonNode> found = poll(match, timeout);
        if (found.isPresent()) {
            return found.get();
        }
        if (!stdoutEnded()) {
            throw new AssertionError(describe("timed out after " + timeout + " waiting for a matching event"));
        }
        try {
            process.waitFor(2, TimeUnit.SECONDS); // so that the message can show the exit code
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError(describe("peer stdout ended before a matching event arrived"));
    }

    /**
     * Like {@link #await} but returns empty instead of failing on timeout or when the peer has exited.
     * Useful to check that something does <em>not</em> happen.
     */
    public Optional<JsonNode> poll(Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (unconsumed) {
            for (Iterator<JsonNode> it = unconsumed.iterator(); it.hasNext(); ) {
                JsonNode e = it.next();
                if (e != endOfStream && match.test(e)) {
                    it.remove();
                    return Optional.of(e);
                }
            }
            if (unconsumed.contains(endOfStream)) {
                return Optional.empty();
            }
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode e;
                try {
                    e = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(describe("interrupted while waiting for an event"), ie);
                }
                if (e == null) {
                    return Optional.empty();
                }
                if (e == endOfStream) {
                    unconsumed.add(e);
                    return Optional.empty();
                }
                if (match.test(e)) {
                    return Optional.of(e);
                }
                unconsumed.add(e);
            }
        }
    }

    /** Awaits the next event whose "event" field equals {@code event}. */
    public JsonNode awaitEvent(String event, Duration timeout) {
        return await(e -> event.equals(e.path("event").asText()), timeout);
    }

    /** Awaits the next {@code {"event":"message"}} whose "type" equals {@code type}. */
    public JsonNode awaitMessage(String type, Duration timeout) {
        return await(e -> "message".equals(e.path("event").asText()) && type.equals(e.path("type").asText()),
                timeout);
    }

    /** Events received so far and not consumed by an await (a snapshot; includes what is still queued). */
    public List<JsonNode> pending() {
        synchronized (unconsumed) {
            queue.drainTo(unconsumed);
            List<JsonNode> copy = new ArrayList<>(unconsumed);
            copy.remove(endOfStream);
            return copy;
        }
    }

    /** Every event the peer printed so far, consumed or not, in order. */
    public List<JsonNode> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** The peer's {@code ready} event (has "version", "pid", and "path" or "host"/"port"). */
    public JsonNode readyEvent() {
        return ready;
    }

    /** What the peer wrote to stderr so far (the last 64 KiB). */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int pid() {
        return (int) process.pid();
    }

    /** "9" or "14", as passed to {@link #start}. */
    public String version() {
        return version;
    }

    /** A TCP port that was free on 127.0.0.1 a moment ago (node-ipc treats port 0 as "use 8000"). */
    public static int freeTcpPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A UDP port that was free on {@code host} a moment ago (node-ipc treats port 0 as "use 8000"). */
    public static int freeUdpPort(String host) {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(
                new java.net.InetSocketAddress(InetAddress.getByName(host), 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean stdoutEnded() {
        synchronized (unconsumed) {
            return unconsumed.contains(endOfStream) || queue.contains(endOfStream);
        }
    }

    private String exitStatus() {
        return process.isAlive() ? "still running" : "exited with code " + process.exitValue();
    }

    private String describe(String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append("node-ipc ").append(version).append(" peer (pid ").append(process.pid()).append(", ")
                .append(exitStatus()).append("): ").append(problem).append('\n');
        sb.append("  command: ").append(String.join(" ", command)).append('\n');
        List<JsonNode> h = history();
        int from = Math.max(0, h.size() - HISTORY_IN_MESSAGES);
        sb.append("  last ").append(h.size() - from).append(" of ").append(h.size()).append(" events:\n");
        for (JsonNode e : h.subList(from, h.size())) {
            sb.append("    ").append(truncate(e.toString())).append('\n');
        }
        List<JsonNode> left = pending();
        sb.append("  unconsumed: ").append(left.size()).append('\n');
        String err = stderr();
        if (!err.isEmpty()) {
            sb.append("  stderr:\n").append(err.strip().indent(4));
        }
        return sb.toString();
    }

    private static String truncate(String s) {
        return s.length() <= EVENT_TEXT_LIMIT ? s
                : s.substring(0, EVENT_TEXT_LIMIT) + "... (" + s.length() + " chars)";
    }

    // ------------------------------------------------------------------------------------------------------------
    // closing
    // ------------------------------------------------------------------------------------------------------------

    /** Asks the peer to exit, waits 5 s, then kills it; joins the reader threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive()) {
                try {
                    ObjectNode exit = MAPPER.createObjectNode().put("op", "exit");
                    synchronized (stdin) {
                        stdin.write(exit.toString());
                        stdin.write('\n');
                        stdin.flush();
                    }
                } catch (IOException ignored) {
                    // already gone; the forcible path below handles it
                }
            }
            try {
                stdin.close();
            } catch (IOException ignored) {
                // closing our end of the pipe; nothing to do
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            join(stdoutReader);
            join(stderrReader);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(process.getInputStream());
            closeQuietly(process.getErrorStream());
        }
    }

    private static void join(Thread t) throws InterruptedException {
        if (t != null) {
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "NodeIpcPeer[node-ipc " + version + ", pid " + process.pid() + ", " + exitStatus() + "]";
    }
}
