package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayTest {
    @TempDir
    Path dir;

    @Test
    void shouldRelayToEveryListener() throws Exception {
        String path = dir.resolve("relay.sock").toString();
        try (Cli serve = startServer("serve", "--path", path, "--relay", "--silent");
                Cli counted = startListener(serve, "listen", "--path", path, "--count", "1", "--silent");
                Cli open = startListener(serve, "listen", "--path", path, "--silent")) {
            Cli emit = Cli.run("emit", "--path", path, "news", "{\"headline\":\"flash\"}");
            assertEquals(0, emit.status(), "stderr: " + emit.err.all());

            JsonNode news = Lines.json("{\"event\":\"news\",\"data\":{\"headline\":\"flash\"}}");
            assertEquals(0, counted.join(), "--count 1 ends the listener; stderr: " + counted.err.all());
            assertEquals(List.of(Lines.json("{\"event\":\"connect\"}"), news, Lines.json("{\"event\":\"disconnect\"}")),
                    counted.out.json());
            assertEquals(news, open.out.awaitEvent("news"));

            assertEquals(0, serve.stop());
            open.out.awaitEvent("disconnect");
            assertEquals(0, open.join(), "the server going away ends a listener without --count");
            assertTrue(open.err.all().isEmpty(), open.err.all().toString());
        }
    }

    @Test
    void shouldFailListeningWhenNoServerIsThere() {
        Cli listen = Cli.run("listen", "--path", dir.resolve("none.sock").toString(), "--silent");
        assertEquals(1, listen.status());
        assertTrue(listen.err.all().get(0).startsWith("jipc: listen: "), listen.err.all().toString());
    }

    /** Starts the server and waits until it listens, so listeners do not race it to the socket file. */
    private static Cli startServer(String... args) throws InterruptedException {
        Cli serve = Cli.start(args);
        serve.out.awaitEvent("start");
        return serve;
    }

    /** Starts a listener and waits until the server has it among its sockets, so a broadcast reaches it. */
    private static Cli startListener(Cli serve, String... args) throws InterruptedException {
        Cli listener = Cli.start(args);
        listener.out.awaitEvent("connect");
        serve.out.awaitEvent("connect");
        return listener;
    }
}
