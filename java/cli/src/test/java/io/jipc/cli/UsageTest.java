package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UsageTest {
    @Test
    void shouldPrintGeneralHelpAndExit0() {
        for (String help : List.of("--help", "-h", "help")) {
            Cli cli = Cli.run(help);
            assertEquals(0, cli.status(), help);
            String text = String.join("\n", cli.out.all());
            for (String word : List.of("Usage: jipc COMMAND", "demo", "serve", "emit", "listen", "Exit status")) {
                assertTrue(text.contains(word), help + " output lacks " + word + ": " + text);
            }
            assertTrue(cli.err.all().isEmpty());
        }
    }

    @Test
    void shouldPrintCommandHelpAndExit0() {
        assertHelp(Cli.run("emit", "--help"), "--wait", "--count", "--timeout", "--id ID", "--tcp HOST:PORT",
                "--delimiter", "--raw", "--max-frame-bytes", "--silent", "--busy-poll US");
        assertHelp(Cli.run("serve", "-h"), "--echo", "--relay", "--events", "socket.disconnected");
        assertHelp(Cli.run("listen", "--path", "/nowhere", "--help"), "--count", "--timeout");
        assertHelp(Cli.run("demo", "--help"), "hello", "world");
        assertHelp(Cli.run("help", "emit"), "--wait");
    }

    private static void assertHelp(Cli cli, String... words) {
        assertEquals(0, cli.status());
        String text = String.join("\n", cli.out.all());
        for (String word : words) {
            assertTrue(text.contains(word), "help lacks " + word + ": " + text);
        }
    }

    @Test
    void shouldRejectUnknownCommand() {
        assertUsage(Cli.run("frobnicate"), "unknown command frobnicate");
        assertUsage(Cli.run("--frobnicate"), "unknown option --frobnicate");
        assertUsage(Cli.run(), "no command");
        assertUsage(Cli.run("help", "frobnicate"), "frobnicate");
        assertUsage(Cli.run("frobnicate"), "commands: demo, serve, emit, listen, info, bench");
        assertUsage(Cli.run("help", "frobnicate"), "commands: demo, serve, emit, listen, info, bench");
        assertUsage(Cli.run("help", "bench"), "jipc bench --help");
    }

    @Test
    void shouldPrintTheVersion() {
        Cli cli = Cli.run("--version");
        assertEquals(0, cli.status());
        assertEquals(1, cli.out.all().size(), cli.out.all().toString());
        assertTrue(cli.out.all().get(0).matches("jipc \\d+\\.\\d+\\.\\d+\\S*"), cli.out.all().get(0));
        assertTrue(String.join("\n", Cli.run("--help").out.all()).contains("--version"));
        assertUsage(Cli.run("--version", "x"), "--version");
    }

    @Test
    void shouldRejectUnknownOption() {
        assertUsage(Cli.run("emit", "--path", "/tmp/x", "t", "--bogus"), "unknown option --bogus");
        assertUsage(Cli.run("serve", "--path", "/tmp/x", "--wait", "t"), "unknown option --wait");
        assertUsage(Cli.run("demo", "--echo"), "unknown option --echo");
        assertUsage(Cli.run("serve", "--path=/tmp/x", "--echo=yes"), "--echo");
    }

    @Test
    void shouldRejectBadValues() {
        assertUsage(Cli.run("serve"), "exactly one address");
        assertUsage(Cli.run("serve", "--path", "/tmp/a", "--tcp", "localhost:1"), "exactly one address");
        assertUsage(Cli.run("serve", "--path", "/tmp/a", "--socket-root", "/tmp"), "--socket-root");
        assertUsage(Cli.run("emit", "--path", "/tmp/a"), "TYPE");
        assertUsage(Cli.run("emit", "--path", "/tmp/a", "t", "{not json"), "DATA is not a JSON value");
        assertUsage(Cli.run("emit", "--path", "/tmp/a", "t", "1", "extra"), "unexpected argument 'extra'");
        assertUsage(Cli.run("emit", "--path", "/tmp/a", "t", "--wait"), "--wait");
        assertUsage(Cli.run("emit", "--path", "/tmp/a", "t", "--wait", "r", "--count", "zero"), "--count");
        assertUsage(Cli.run("emit", "--path", "/tmp/a", "t", "--count", "2"), "--wait");
        assertUsage(Cli.run("listen", "--path", "/tmp/a", "--timeout", "-5"), "--timeout");
        assertUsage(Cli.run("listen", "--tcp", "localhost"), "HOST:PORT");
        assertUsage(Cli.run("listen", "--tcp", "::1:80"), "brackets");
        assertUsage(Cli.run("listen", "--tcp", "localhost:0"), "port");
        assertUsage(Cli.run("serve", "--tcp", "localhost:70000"), "port");
        assertUsage(Cli.run("serve", "--path", "/tmp/a", "--delimiter", "\\q"), "unknown escape");
        assertUsage(Cli.run("serve", "--path", "/tmp/a", "--delimiter", ""), "delimiter");
        assertUsage(Cli.run("serve", "--path", "/tmp/a", "--max-frame-bytes", "3"), "maxFrameBytes");
        assertUsage(Cli.run("serve", "--path", "/tmp/a", "--events", ","), "--events");
        assertUsage(Cli.run("serve", "--path", "/tmp/a", "--busy-poll", "10001"), "--busy-poll");
        assertUsage(Cli.run("emit", "--path", "/tmp/a", "x", "--busy-poll", "-1"), "--busy-poll");
        assertUsage(Cli.run("serve", "--tcp", "notahost.invalid:8000"), "unknown host notahost.invalid");
        assertUsage(Cli.run("serve", "--udp4", "notahost.invalid:8000"), "unknown host notahost.invalid");
        assertUsage(Cli.run("serve", "--path", "/tmp/a", "--max-connections", "0"), "--max-connections");
        assertUsage(Cli.run("emit", "--path", "/tmp/a", "x", "--max-connections", "2"), "unknown option");
    }

    private static void assertUsage(Cli cli, String named) {
        assertEquals(2, cli.status(), "status; stderr " + cli.err.all());
        assertTrue(cli.out.all().isEmpty(), "stdout: " + cli.out.all());
        assertEquals(1, cli.err.all().size(), "one error line: " + cli.err.all());
        String line = cli.err.all().get(0);
        assertTrue(line.startsWith("jipc: ") && line.contains(named), "error line should name " + named + ": " + line);
    }
}
