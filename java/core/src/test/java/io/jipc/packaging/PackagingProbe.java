package io.jipc.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a tiny jipc application in a child JVM whose class or module path the caller chooses, to show which jars an
 * application needs. The application is a single source file (started with Java's source launcher, so nothing of the
 * test class path comes along): a server and a client in one process, one message there and back, then a line
 * {@code OK <reply> <transport> (<reason>) module=<jipc-core's module name or "unnamed">} or
 * {@code ERROR <code> <message>}. Used by jipc-core's {@code PackagingTest} and jipc-native's
 * {@code NativePackagingTest}. In a package of its own, so that jipc-native's tests, compiled into its module, can
 * read it (the package io.jipc belongs to jipc-core's module).
 */
public final class PackagingProbe {
    /** The application, public API only. */
    private static final String SOURCE = """
            import io.jipc.Ipc;
            import io.jipc.IpcConfig;
            import io.jipc.IpcException;
            import io.jipc.IpcServer;
            import io.jipc.Transport;
            import java.util.concurrent.CompletableFuture;
            import java.util.concurrent.TimeUnit;

            public class Probe {
                public static void main(String[] args) throws Exception {
                    Ipc server = Ipc.create(IpcConfig.defaults().id("world").socketRoot(args[0]).silent(true));
                    Ipc client = Ipc.create(IpcConfig.defaults().id("hello").socketRoot(args[0]).silent(true));
                    try {
                        CompletableFuture<String> reply = new CompletableFuture<>();
                        IpcServer s = server.serve();
                        s.on("message", (data, socket) -> socket.emit("message", data.asText() + "-world"));
                        s.start();
                        client.connectTo("world", w -> {
                            w.on("connect", () -> w.emit("message", "hello"));
                            w.on("message", data -> reply.complete(data.asText()));
                        });
                        String module = Ipc.class.getModule().isNamed() ? Ipc.class.getModule().getName() : "unnamed";
                        System.out.println("OK " + reply.get(60, TimeUnit.SECONDS) + " "
                                + Ipc.transportInfo(Transport.AUTO) + " module=" + module);
                    } catch (IpcException e) {
                        System.out.println("ERROR " + e.code() + " " + e.getMessage());
                    } finally {
                        client.close();
                        server.close();
                    }
                }
            }
            """;

    private PackagingProbe() {
    }

    /**
     * Skips a packaging test outside the module it checks: jipc-native runs jipc-core's test jar too, and an explicit
     * {@code -Dtest} there overrides the excludes that normally leave these tests out.
     *
     * @param artifact the module the test is about, as the build names it in {@code jipc.packaging.module}
     */
    public static void assumeModule(String artifact) {
        org.junit.jupiter.api.Assumptions.assumeTrue(artifact.equals(System.getProperty("jipc.packaging.module")),
                "checks " + artifact + ", not this module");
    }

    /**
     * @param property a system property the build sets for the packaging tests
     * @return its value
     */
    public static String required(String property) {
        String value = System.getProperty(property);
        assertTrue(value != null && !value.isBlank(), "the build sets -D" + property + " for this test (pom.xml)");
        return value;
    }

    /**
     * @return the module's run-time class path, as maven-dependency-plugin wrote it (property
     *     {@code jipc.packaging.runtimeClasspath}: the file's path), with the module's own classes first (property
     *     {@code jipc.packaging.classes})
     * @throws IOException when the file cannot be read
     */
    public static List<String> runtimePath() throws IOException {
        List<String> path = new ArrayList<>();
        path.add(required("jipc.packaging.classes"));
        String deps = Files.readString(Path.of(required("jipc.packaging.runtimeClasspath")), StandardCharsets.UTF_8)
                .trim();
        for (String entry : deps.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                path.add(entry);
            }
        }
        return path;
    }

    /**
     * Runs the application.
     *
     * @param work a private directory (the source file and the socket files go there)
     * @param jvmArgs the class or module path and any system properties
     * @return the line the application printed
     * @throws Exception when it cannot be started
     */
    public static String run(Path work, List<String> jvmArgs) throws Exception {
        Path source = Files.writeString(work.resolve("Probe.java"), SOURCE, StandardCharsets.UTF_8);
        Path sockets = Files.createDirectories(work.resolve("sockets"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmArgs);
        cmd.add(source.toString());
        cmd.add(sockets + "/");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe did not end: " + out);
        assertEquals(0, p.exitValue(), out);
        return out.strip();
    }
}
