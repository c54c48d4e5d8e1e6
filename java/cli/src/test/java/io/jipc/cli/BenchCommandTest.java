package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code jipc bench}: each benchmark runs end to end with tiny counts in a child JVM (the driver exits the JVM) and
 * prints its result line with real figures. Speed is not asserted here; the suite (java/bench/suite.sh) measures it.
 */
class BenchCommandTest {

    /** Runs {@code jipc bench ARGS} in a child JVM; returns stdout, after asserting exit status 0. */
    private static String bench(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jipc bench " + String.join(" ", args) + " did not end");
        assertEquals(0, p.exitValue(), "exit status of jipc bench " + String.join(" ", args) + "; printed " + out);
        return out;
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertTrue(m.find(), "no match for " + regex + " in: " + out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void shouldMeasureRoundTripsOverUnixSocket() throws Exception {
        String out = bench("pingpong", "uds", "300", "100");
        double median = number(out, "jipc pingpong uds size=64 frame=90B jvms=2 iters=300: median=([0-9.]+) us");
        double p99 = number(out, " p99=([0-9.]+) us");
        assertTrue(median > 0 && p99 >= median, out);
    }

    @Test
    void shouldStreamAndCountEveryMessage() throws Exception {
        String out = bench("stream", "tcp", "3000");
        assertTrue(number(out, "jipc stream tcp msgs=3000 .*? ([0-9.]+) msgs/s") > 0, out);
    }

    @Test
    void shouldBroadcastToEveryReader() throws Exception {
        String out = bench("broadcast", "uds", "5", "500");
        assertTrue(number(out, "jipc broadcast uds clients=5 msgs=500 .*?: ([0-9.]+) deliveries/s") > 0, out);
    }

    @Test
    void shouldMeasureIdleConnections() throws Exception {
        String out = bench("scale", "uds", "50");
        double heapPerConn = number(out, "jipc scale uds connections=50: heap (-?[0-9.]+) B/conn");
        assertTrue(heapPerConn > -1e6 && heapPerConn < 1e6, "implausible heap per connection: " + out);
    }

    @Test
    void shouldExplainItsCommandLine() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "bench", "nosuchmode", "uds");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("unknown mode nosuchmode") && out.contains("usage: jipc bench pingpong"), out);
    }
}
