package io.jipc.bench;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Connection scale: what {@code connections} idle Unix-socket connections cost a jipc server. The server runs in a
 * child JVM ({@code Bench scale-server DIR}, which answers {@code measure} on stdin with one {@code MEM} line after
 * a full GC); the driver measures it with no connection, opens the connections ({@link RawReaders}), waits until
 * the server has accepted them all, and measures again. Reported per connection: heap in use after GC, resident set
 * size (everything the process holds: heap growth, native buffers, kernel-side socket memory is not included) and
 * direct-buffer memory.
 */
final class Scale {
    private final int connections;

    /** @param connections idle connections to open */
    Scale(int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("scale: connections must be >= 1");
        }
        this.connections = connections;
    }

    /** One MEM line of the child. */
    private record Mem(int sockets, long heap, long rss, long direct) {
        static Mem parse(String line) {
            String[] p = line.trim().split(" ");
            if (p.length != 5 || !"MEM".equals(p[0])) {
                throw new IllegalStateException("scale server printed '" + line + "' instead of MEM");
            }
            return new Mem(Integer.parseInt(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]),
                    Long.parseLong(p[4]));
        }
    }

    /**
     * Runs the measurement and prints the result line and a JSON line.
     *
     * @throws Exception when the child fails or connections are refused
     */
    void run() throws Exception {
        Path dir = Files.createTempDirectory("jipc-scale");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv(ServerHandle.OPTS_ENV);
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(List.of(opts.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Bench.class.getName(), "scale-server",
                dir.toAbsolutePath() + "/"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)); PrintStream in = new PrintStream(p.getOutputStream(), true,
                StandardCharsets.UTF_8)) {
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("READY ")) {
                throw new IOException("scale server did not start: " + ready);
            }
            Path socket = Path.of(ready.substring("READY ".length()));
            Mem before = measure(in, out);
            long start = System.nanoTime();
            try (RawReaders conns = new RawReaders(UnixDomainSocketAddress.of(socket), connections, (byte) 0x0C)) {
                Mem after = measure(in, out);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (after.sockets() < connections) {
                    conns.minFrames(); // fails if a connection was closed by the server
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the server accepted " + after.sockets() + " of "
                                + connections + " connections within 120 s");
                    }
                    Thread.sleep(100);
                    after = measure(in, out);
                }
                double secs = (System.nanoTime() - start) / 1e9;
                double heap = (after.heap() - before.heap()) / (double) connections;
                double rss = (after.rss() - before.rss()) / (double) connections;
                double direct = (after.direct() - before.direct()) / (double) connections;
                System.out.println(String.format(Locale.ROOT,
                        "jipc scale uds connections=%d: heap %.0f B/conn (%.1f MiB in all), RSS %.0f B/conn"
                                + " (%.1f MiB), direct buffers %.0f B/conn; %.0f connects/s",
                        connections, heap, (after.heap() - before.heap()) / 1048576.0, rss,
                        (after.rss() - before.rss()) / 1048576.0, direct, connections / secs));
                System.out.println(String.format(Locale.ROOT,
                        "{\"bench\":\"scale\",\"system\":\"jipc\",\"transport\":\"uds\",\"connections\":%d,"
                                + "\"heap_bytes_per_conn\":%.0f,\"heap_mib_total\":%.2f,\"rss_bytes_per_conn\":%.0f,"
                                + "\"direct_bytes_per_conn\":%.0f}",
                        connections, heap, (after.heap() - before.heap()) / 1048576.0, rss, direct));
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Mem measure(PrintStream in, BufferedReader out) throws IOException {
        in.println("measure");
        String line = out.readLine();
        if (line == null) {
            throw new IOException("scale server exited");
        }
        return Mem.parse(line);
    }

    /**
     * Child-process entry: serves {@code dir + "app.jipcbench"} (maxConnections unlimited for the run), prints
     * {@code READY <socket path>}, then answers each stdin line with {@code MEM <sockets> <heap> <rss> <direct>}.
     *
     * @param dir socket directory ending in '/'
     * @throws Exception on failure
     */
    static void runChild(String dir) throws Exception {
        try (Ipc ipc = Ipc.create(IpcConfig.defaults().id(Endpoint.SERVER_ID).socketRoot(dir).silent(true)
                .maxConnections(Integer.MAX_VALUE))) {
            IpcServer server = ipc.serve();
            server.start();
            System.out.println("READY " + server.address().toString());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                System.gc();
                Thread.sleep(200);
                System.gc();
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                long direct = 0;
                for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                    if ("direct".equals(pool.getName())) {
                        direct = pool.getMemoryUsed();
                    }
                }
                System.out.println("MEM " + server.sockets().size() + " " + heap + " " + rss() + " " + direct);
                System.out.flush();
            }
        }
    }

    /** @return the resident set size in bytes, from /proc/self/status (0 where that does not exist) */
    private static long rss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String l : Files.readAllLines(status)) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
