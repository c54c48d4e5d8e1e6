package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error code of an OS failure does not depend on the locale: the same failures (connect to a missing socket, a
 * missing directory, a stale socket file; listen in a missing directory, on a TCP port in use) run in a child JVM
 * under {@code C.UTF-8} and under {@code de_DE.UTF-8}, on this run's transport (jipc.transport), and must give the
 * same codes and hints. Skipped, with the reason, where the de_DE.UTF-8 locale is not installed (CI installs it:
 * .ci/run).
 */
class LocaleErrorTest {
    static final String GERMAN = "de_DE.UTF-8";

    @TempDir
    Path dir;

    @Test
    void osErrorCodesAreTheSameUnderEveryLocale() throws Exception {
        Assumptions.assumeTrue(installed("de_DE.utf8"), "skipped: the locale " + GERMAN + " is not installed "
                + "(apt-get install locales; sed -i 's/^# *de_DE.UTF-8/de_DE.UTF-8/' /etc/locale.gen; locale-gen)");
        Map<String, String> c = probe("C.UTF-8");
        Map<String, String> de = probe(GERMAN);

        assertEquals(c.keySet(), de.keySet(), "the same cases ran: " + c + " / " + de);
        for (String k : c.keySet()) {
            assertEquals(code(c.get(k)), code(de.get(k)), k + " under " + GERMAN + ": " + de.get(k)
                    + " (C.UTF-8: " + c.get(k) + ")");
        }
        assertTrue(de.get("connect-missing").contains("is the server started?"), de.toString());

        assertTrue(c.get("connect-missing").startsWith("ENOENT "), c.toString());
        assertTrue(c.get("connect-missing").contains("is the server started?"), c.toString());
        // an explicit --path elsewhere than socketRoot: no socketRoot hint
        assertFalse(c.get("connect-missing").contains("socketRoot"), c.toString());
        assertTrue(c.get("connect-missing-dir").startsWith("ENOENT "), c.toString());
        assertTrue(c.get("connect-stale").startsWith("ECONNREFUSED "), c.toString());
        assertTrue(c.get("listen-missing-dir").startsWith("ENOENT "), c.toString());
        assertTrue(c.get("listen-missing-dir").contains("does not exist"), c.toString());
        assertTrue(c.get("listen-tcp-in-use").startsWith("EADDRINUSE "), c.toString());
    }

    private static String code(String line) {
        return line.substring(0, line.indexOf(' '));
    }

    private Map<String, String> probe(String locale) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path work = Files.createDirectories(dir.resolve(locale));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-Djipc.transport=" + System.getProperty("jipc.transport", "auto"),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(), work.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("LANGUAGE");
        pb.environment().put("LC_ALL", locale);
        pb.environment().put("LANG", locale);
        Process p = pb.start();
        Map<String, String> result = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                int sp = line.indexOf(' ');
                result.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe under " + locale + " did not end");
        assertEquals(0, p.exitValue(), "the probe under " + locale + " failed: " + result);
        return result;
    }

    private static boolean installed(String name) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("locale", "-a").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return false;
        }
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return all.lines().anyMatch(l -> l.equalsIgnoreCase(name) || l.equalsIgnoreCase(GERMAN));
    }

    /** The child: runs each failure and prints {@code CASE CODE MESSAGE} per line. */
    public static final class Probe {
        private Probe() {
        }

        /**
         * @param args a scratch directory
         * @throws Exception to fail the child
         */
        public static void main(String[] args) throws Exception {
            Path work = Path.of(args[0]);
            Ipc ipc = Ipc.create(IpcConfig.defaults().id("probe").stopRetrying(true).silent(true));
            try {
                Path stale = work.resolve("stale.sock");
                try (ServerSocketChannel ssc = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ssc.bind(UnixDomainSocketAddress.of(stale)); // closed: the file stays, nobody listens
                }
                List<String[]> connects = new ArrayList<>();
                connects.add(new String[] {"connect-missing", work.resolve("none").toString()});
                connects.add(new String[] {"connect-missing-dir", work.resolve("nodir/none").toString()});
                connects.add(new String[] {"connect-stale", stale.toString()});
                for (String[] c : connects) {
                    BlockingQueue<String> errors = new ArrayBlockingQueue<>(16);
                    ipc.connectTo(c[0], c[1], cl -> cl.on("error", d -> errors.add(
                            d.error().map(e -> e.code() + " " + e.getMessage()).orElse("? " + d))));
                    String e = errors.poll(60, TimeUnit.SECONDS);
                    System.out.println(c[0] + " " + e);
                    ipc.disconnect(c[0]);
                }
                try {
                    ipc.serve(work.resolve("nodir/server.sock").toString()).start();
                    System.out.println("listen-missing-dir none");
                } catch (IpcException e) {
                    System.out.println("listen-missing-dir " + e.code() + " " + e.getMessage());
                }
                try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                        java.net.InetAddress.getLoopbackAddress())) {
                    Ipc other = Ipc.create(IpcConfig.defaults().id("probe-tcp").silent(true));
                    try {
                        other.serveNet("127.0.0.1", taken.getLocalPort()).start();
                        System.out.println("listen-tcp-in-use none");
                    } catch (IpcException e) {
                        System.out.println("listen-tcp-in-use " + e.code() + " " + e.getMessage());
                    } finally {
                        other.close();
                    }
                }
            } finally {
                ipc.close();
            }
        }
    }
}
