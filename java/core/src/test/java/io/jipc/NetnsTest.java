package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client and a server in two network namespaces joined by a veth pair, the link cut for 5 s and restored. Both
 * peers are {@link Child} JVMs started with {@code ip netns exec}; the namespaces, the veth pair and the /30 between
 * them ({@value #SERVER_IP}, {@value #CLIENT_IP}, which exist only inside those namespaces) are made by the test and
 * removed after it, whatever happened. Needs root and iproute2; otherwise skipped with the reason.
 *
 * <p>What happens with the kernel's default timeouts: TCP keeps the connection through a 5 s cut (node-ipc sets no
 * keepalive and neither does jipc; the kernel retransmits for many minutes before giving up), so neither side sees an
 * event. Emits during the cut complete (the frames are in the kernel's send buffer), acknowledgements stop, and after
 * the restore the retransmitted frames arrive. With short TCP timeouts in the namespaces the connection times out
 * during the cut instead: the client gets an {@code error} ({@code ETIMEDOUT}) and a disconnect, reconnects per retry
 * once the link is back and re-sends what was not acknowledged. Asserted either way: every message emitted, including
 * those emitted during the cut, is acknowledged and arrived at the server, none is missing, and a message arrived
 * twice only if the client re-sent it after a reconnect.
 */
class NetnsTest {
    static final String SERVER_IP = "10.254.253.1";
    static final String CLIENT_IP = "10.254.253.2";
    private static final String PORT = "7707";

    private final String tag = "jq" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final String serverNs = tag + "s";
    private final String clientNs = tag + "c";
    private final String serverDev = tag + "s0";
    private final String clientDev = tag + "c0";
    private final List<Process> children = new ArrayList<>();
    private boolean made;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (made) {
            // deleting a namespace deletes the veth end inside it, and with it the pair
            run(false, "ip", "netns", "del", serverNs);
            run(false, "ip", "netns", "del", clientNs);
            run(false, "ip", "link", "del", serverDev);
            String left = run(false, "ip", "netns", "list") + run(false, "ip", "link", "show");
            assertTrue(!left.contains(tag), "namespaces or links left behind: " + left);
        }
    }

    /** Runs a command; returns its output. With {@code check}, a non-zero exit fails the test. */
    private static String run(boolean check, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        if (check) {
            assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + ": " + text);
        }
        return text;
    }

    private static boolean canRun(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** A child JVM in a namespace, its output lines in a queue, its input a line writer. */
    private final class Peer {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = new java.util.concurrent.CopyOnWriteArrayList<>();
        final PrintStream in;

        Peer(String ns, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Child.class.getName()));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            children.add(process);
            in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        all.add(line);
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the child ended
                }
            }, "netns-peer-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for the next line starting with {@code prefix}; other lines are skipped (kept in {@link #all}). */
        String await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertTrue(line != null, () -> "no '" + prefix + "' line; output so far: " + all);
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        /** Sends a command and returns the numbers of its answer line. */
        long[] ask(String command) throws InterruptedException {
            in.println(command);
            String[] f = await(command.equals("stop") ? "done " : command + " ").split(" ");
            long[] v = new long[f.length - 1];
            for (int i = 1; i < f.length; i++) {
                v[i - 1] = Long.parseLong(f[i]);
            }
            return v;
        }

        long count(String line) {
            return all.stream().filter(line::equals).count();
        }
    }

    /**
     * @param timeouts "default": the kernel's TCP timeouts; "short": {@code tcp_retries2=3} and
     *     {@code tcp_syn_retries=2} set in both namespaces (per-namespace settings), so the connection times out
     *     during the cut (after about 3 s of unacknowledged data), the client reconnects per retry, and its offline
     *     queue (1000 messages) keeps what is emitted meanwhile
     */
    @ParameterizedTest
    @ValueSource(strings = {"default", "short"})
    void shouldDeliverEveryMessageAcrossAFiveSecondLinkCut(String timeouts) throws Exception {
        Assumptions.assumeTrue(canRun("id", "-u") && run(false, "id", "-u").trim().equals("0"),
                "skipped: needs root to create network namespaces and a veth pair");
        Assumptions.assumeTrue(canRun("ip", "-V"), "skipped: iproute2 ('ip') is not installed");
        Assumptions.assumeTrue(canRun("ip", "netns", "add", serverNs),
                "skipped: cannot create a network namespace here (ip netns add failed)");
        made = true;
        run(true, "ip", "netns", "add", clientNs);
        run(true, "ip", "link", "add", serverDev, "type", "veth", "peer", "name", clientDev);
        run(true, "ip", "link", "set", serverDev, "netns", serverNs);
        run(true, "ip", "link", "set", clientDev, "netns", clientNs);
        run(true, "ip", "-n", serverNs, "addr", "add", SERVER_IP + "/30", "dev", serverDev);
        run(true, "ip", "-n", clientNs, "addr", "add", CLIENT_IP + "/30", "dev", clientDev);
        for (String[] nsDev : new String[][] {{serverNs, serverDev}, {clientNs, clientDev}, {serverNs, "lo"},
                {clientNs, "lo"}}) {
            run(true, "ip", "-n", nsDev[0], "link", "set", nsDev[1], "up");
        }

        boolean shortTimeouts = timeouts.equals("short");
        if (shortTimeouts) {
            for (String ns : List.of(serverNs, clientNs)) {
                run(true, "ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.tcp_retries2=3",
                        "net.ipv4.tcp_syn_retries=2");
            }
        }

        Peer server = new Peer(serverNs, "ack-server", SERVER_IP, PORT);
        server.await("READY");
        Peer client = new Peer(clientNs, "ack-client", SERVER_IP, PORT, shortTimeouts ? "1000" : "0");
        client.await("connect");
        long[] before;
        do {
            Thread.sleep(50);
            before = client.ask("mark");
        } while (before[1] < 200);

        run(true, "ip", "-n", serverNs, "link", "set", serverDev, "down");
        Thread.sleep(5_000); // the fault: the link stays down this long
        long[] during = client.ask("mark");
        run(true, "ip", "-n", serverNs, "link", "set", serverDev, "up");
        assertTrue(during[0] > before[0], "the client emitted nothing during the cut");

        // everything emitted during the cut is acknowledged after the restore
        long[] after;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        do {
            Thread.sleep(50);
            after = client.ask("mark");
            assertTrue(System.nanoTime() < deadline, "acks stuck at " + after[1] + " after the restore; client: "
                    + client.all + "; server: " + server.all);
        } while (after[1] < during[0]);
        long[] done = client.ask("stop");
        long emitted = done[0];
        long acked = done[1];
        long resent = done[2];
        long connects = done[3];
        long[] report = server.ask("report");

        assertEquals(emitted, acked, "acknowledged of emitted");
        assertEquals(emitted, report[0], "distinct messages at the server");
        assertEquals(emitted, report[2], "first missing sequence number at the server");
        assertTrue(report[1] <= resent, "duplicates " + report[1] + " but only " + resent + " re-sent");
        long disconnects = client.count("disconnect");
        assertEquals(disconnects + 1, connects, "connects: one plus one per reconnect; client: " + client.all);
        if (shortTimeouts) {
            assertTrue(disconnects >= 1, "with tcp_retries2=3 the connection should time out during a 5 s cut; "
                    + "client: " + client.all);
            // when the retransmissions time out, Linux reports the socket's last soft error if there is one: with the
            // link down, neighbour resolution fails first, so the error is EHOSTUNREACH instead of ETIMEDOUT
            assertTrue(client.all.stream().anyMatch(l -> l.startsWith("error ETIMEDOUT")
                    || l.startsWith("error EHOSTUNREACH")), "the client's error names the timeout or the "
                    + "unreachable host: " + client.all);
            // the server's retransmissions meet the downed link (or, later, the client's reset): a specific code
            assertTrue(server.all.stream().filter(l -> l.startsWith("error ")).allMatch(l -> l.startsWith(
                    "error ENETUNREACH ") || l.startsWith("error ETIMEDOUT ") || l.startsWith("error ECONNRESET ")
                    || l.startsWith("error EHOSTUNREACH ")), "server errors: " + server.all);
        } else {
            assertEquals(0, disconnects, "with the default timeouts a 5 s cut should not drop the connection; client: "
                    + client.all);
        }
        System.out.printf("NetnsTest (%s timeouts): link cut 5 s; connection %s; %d emitted (%d during the cut), all "
                + "acknowledged; %d re-sent, %d duplicates; client events %s; server events %s%n", timeouts,
                disconnects == 0 ? "survived" : "dropped " + disconnects + " time(s) and reconnected", emitted,
                during[0] - before[0], resent,
                report[1], client.all.stream().filter(l -> !l.startsWith("mark") && !l.startsWith("done")).toList(),
                server.all.stream().filter(l -> !l.startsWith("report")).toList());
    }
}
