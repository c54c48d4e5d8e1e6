package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void shouldUnescapeDelimiters() {
        assertEquals("\f", Escapes.unescape("--delimiter", "\\f"));
        assertEquals("\n\r\t\0\\", Escapes.unescape("--delimiter", "\\n\\r\\t\\0\\\\"));
        assertEquals("\0", Escapes.unescape("--delimiter", "\\u0000"));
        assertEquals("a\u00e9b", Escapes.unescape("--delimiter", "a\\u00E9b"));
        assertEquals("\u001e", Escapes.unescape("--delimiter", "\\x1e"));
        assertEquals("##", Escapes.unescape("--delimiter", "##"));
        assertThrows(UsageException.class, () -> Escapes.unescape("--delimiter", "\\"));
        assertThrows(UsageException.class, () -> Escapes.unescape("--delimiter", "\\u12"));
        assertThrows(UsageException.class, () -> Escapes.unescape("--delimiter", "\\xZZ"));
    }

    @Test
    void shouldApplyNodeIpcPathRule() {
        Address a = address("--id", "world");
        assertEquals("/tmp/app.world", a.describe());
        assertEquals("/run/x/svc.world", address("--id", "world", "--socket-root", "/run/x", "--appspace", "svc.")
                .describe());
        assertEquals("/run/x/app.world", address("--id", "world", "--socket-root", "/run/x/").describe());
        assertEquals("/p/s.sock", address("--path", "/p/s.sock").describe());
    }

    @Test
    void shouldParseTcpAddresses() {
        assertEquals(new Address.Tcp("localhost", 8000), address("--tcp", "localhost:8000"));
        assertEquals(new Address.Tcp("::1", 8000), address("--tcp", "[::1]:8000"));
        assertEquals("[::1]:8000", address("--tcp", "[::1]:8000").describe());
        assertEquals(new Address.Tcp("127.0.0.1", 0), Address.from(options(Command.SERVE, "--tcp", "127.0.0.1:0"),
                true));
    }

    private static Address address(String... args) {
        return Address.from(options(Command.LISTEN, args), false);
    }

    private static Options options(Command command, String... args) {
        return Options.parse(command, List.of(args));
    }
}
