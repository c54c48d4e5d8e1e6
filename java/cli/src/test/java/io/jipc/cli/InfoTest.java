package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoTest {
    @Test
    void shouldReportVersionAndTheNativeTransportWhenItsJarIsPresent() throws Exception {
        Cli cli = Cli.run("info");
        assertEquals(0, cli.status(), "stderr: " + cli.err.all());
        JsonNode line = Json.MAPPER.readTree(cli.out.all().get(0));
        assertEquals("info", line.get("event").asText());
        assertTrue(line.get("version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), line.toString());
        assertEquals("linux-x86_64", line.get("platform").asText());
        // the CLI depends on the linux-x86_64 native jar, so on this platform AUTO picks it
        assertTrue(line.get("nativeAvailable").asBoolean(), line.toString());
        assertEquals("native", line.get("transport").asText(), line.toString());
        assertFalse(line.has("nativeUnavailable"));
    }

    @Test
    void shouldHonourTheTransportOption() throws Exception {
        JsonNode line = Json.MAPPER.readTree(Cli.run("info", "--transport", "nio").out.all().get(0));
        assertEquals("nio", line.get("transport").asText());
        assertEquals("chosen by --transport nio", line.get("reason").asText(), line.toString());
    }

    @Test
    void shouldRejectAnUnknownTransport() {
        Cli cli = Cli.run("info", "--transport", "carrier-pigeon");
        assertEquals(Main.USAGE, cli.status());
        assertTrue(String.join("\n", cli.err.all()).contains("auto, nio or native"), cli.err.all().toString());
    }

    @Test
    void shouldServeAndEmitOverEitherTransport(@TempDir Path dir) throws Exception {
        for (String transport : new String[] {"nio", "native"}) {
            String path = dir.resolve(transport + ".sock").toString();
            try (Cli serve = Cli.start("serve", "--path", path, "--echo", "--silent", "--transport", transport)) {
                serve.out.awaitEvent("start");
                Cli emit = Cli.run("emit", "--path", path, "ping", "\"x\"", "--wait", "ping", "--silent",
                        "--transport", transport);
                assertEquals(0, emit.status(), transport + ": " + emit.err.all());
                assertEquals(List.of(Lines.json("{\"event\":\"ping\",\"data\":\"x\"}")), emit.out.json());
            }
        }
    }
}
