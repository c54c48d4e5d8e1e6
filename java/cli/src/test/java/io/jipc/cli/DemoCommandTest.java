package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
    @Test
    void shouldRunTheHelloWorldExchange() {
        Cli cli = Cli.run("demo", "--silent");

        assertEquals(0, cli.status(), "stderr: " + cli.err.all());
        assertTrue(cli.err.all().isEmpty(), "stderr: " + cli.err.all());
        List<JsonNode> lines = cli.out.json();
        assertEquals(7, lines.size(), "lines: " + cli.out.all());
        JsonNode start = lines.get(0);
        assertEquals("start", start.get("event").asText());
        assertEquals("world", start.get("server").asText());
        Path socket = Path.of(start.get("path").asText());
        assertEquals("app.world", socket.getFileName().toString());
        assertEquals(List.of(
                Lines.json("{\"event\":\"connect\",\"client\":\"hello\",\"server\":\"world\"}"),
                Lines.json("{\"event\":\"message\",\"from\":\"hello\",\"to\":\"world\",\"data\":\"hello\"}"),
                Lines.json("{\"event\":\"message\",\"from\":\"world\",\"to\":\"hello\",\"data\":\"hello world!\"}"),
                Lines.json("{\"event\":\"disconnect\",\"client\":\"hello\",\"server\":\"world\"}"),
                Lines.json("{\"event\":\"socket.disconnected\",\"server\":\"world\",\"socket\":\"1\"}"),
                Lines.json("{\"event\":\"stop\",\"server\":\"world\"}")), lines.subList(1, 7));
        assertFalse(Files.exists(socket.getParent()), "the temporary socketRoot is deleted: " + socket.getParent());
    }
}
