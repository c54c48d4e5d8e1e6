package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeEmitTest {
    @TempDir
    Path dir;

    @Test
    void shouldEchoOverUnixSocketById() throws Exception {
        String root = dir.toString();
        try (Cli serve = Cli.start("serve", "--id", "echo", "--socket-root", root, "--echo", "--silent")) {
            JsonNode start = serve.out.awaitEvent("start");
            String path = dir.resolve("app.echo").toString();
            assertEquals(path, start.get("address").asText());
            assertEquals(path, start.get("path").asText());

            Cli emit = Cli.run("emit", "--id", "echo", "--socket-root", root, "greet", "{\"a\":[1,\"\u00e9\"]}",
                    "--wait", "greet");

            assertEquals(0, emit.status(), "stderr: " + emit.err.all());
            assertEquals(List.of(Lines.json("{\"event\":\"greet\",\"data\":{\"a\":[1,\"\u00e9\"]}}")), emit.out.json());
            assertTrue(emit.err.all().isEmpty());
            assertEquals(Lines.json("{\"event\":\"connect\",\"socket\":\"1\"}"), serve.out.awaitEvent("connect"));
            assertEquals(Lines.json("{\"event\":\"greet\",\"data\":{\"a\":[1,\"\u00e9\"]},\"socket\":\"1\"}"),
                    serve.out.awaitEvent("greet"));
            assertEquals("1", serve.out.awaitEvent("socket.disconnected").get("socket").asText());

            assertEquals(0, serve.stop());
            assertEquals("stop", last(serve).get("event").asText());
            assertFalse(Files.exists(Path.of(path)), "closing removes the socket file");
        }
    }

    @Test
    void shouldEchoOverTcpOnTheBoundPort() throws Exception {
        try (Cli serve = Cli.start("serve", "--tcp", "127.0.0.1:0", "--echo", "--silent")) {
            JsonNode start = serve.out.awaitEvent("start");
            int port = start.get("port").asInt();
            assertTrue(port > 0, "the real port: " + start);
            assertEquals("127.0.0.1:" + port, start.get("address").asText());

            Cli emit = Cli.run("emit", "--tcp", start.get("address").asText(), "ping", "42", "--wait", "ping",
                    "--silent");
            assertEquals(0, emit.status(), "stderr: " + emit.err.all());
            assertEquals(List.of(Lines.json("{\"event\":\"ping\",\"data\":42}")), emit.out.json());

            Cli noData = Cli.run("emit", "--tcp", "127.0.0.1:" + port, "ping", "--wait", "ping", "--silent");
            assertEquals(0, noData.status(), "stderr: " + noData.err.all());
            assertEquals(List.of(Lines.json("{\"event\":\"ping\",\"data\":{}}")), noData.out.json(),
                    "no DATA is node-ipc's {}");
        }
    }

    @Test
    void shouldEchoWithBothSidesBusyPolling() throws Exception {
        String path = dir.resolve("busy.sock").toString();
        try (Cli serve = Cli.start("serve", "--path", path, "--echo", "--silent", "--busy-poll", "200")) {
            serve.out.awaitEvent("start");
            Cli emit = Cli.run("emit", "--path", path, "ping", "\"x\"", "--wait", "ping", "--count", "1",
                    "--busy-poll", "10000", "--silent");
            assertEquals(0, emit.status(), "stderr: " + emit.err.all());
            assertEquals(List.of(Lines.json("{\"event\":\"ping\",\"data\":\"x\"}")), emit.out.json());
            assertEquals(0, serve.stop());
        }
    }

    @Test
    void shouldSpeakProtoWithWireOption() throws Exception {
        String path = dir.resolve("proto.sock").toString();
        try (Cli serve = Cli.start("serve", "--path", path, "--echo", "--silent")) {
            serve.out.awaitEvent("start");
            Cli proto = Cli.run("emit", "--path", path, "--wire", "proto", "greet", "{\"a\":[1,2.5,\"\u00e9\"]}",
                    "--wait", "greet", "--silent");
            assertEquals(0, proto.status(), "stderr: " + proto.err.all());
            assertEquals(List.of(Lines.json("{\"event\":\"greet\",\"data\":{\"a\":[1,2.5,\"\u00e9\"]}}")),
                    proto.out.json());
            Cli json = Cli.run("emit", "--path", path, "--wire", "json", "greet", "1", "--wait", "greet", "--silent");
            assertEquals(0, json.status(), "stderr: " + json.err.all());
            assertEquals(List.of(Lines.json("{\"event\":\"greet\",\"data\":1}")), json.out.json());
            Cli bad = Cli.run("emit", "--path", path, "--wire", "xml", "greet");
            assertEquals(2, bad.status());
            // --echo answers requests with their own data
            try (io.jipc.Ipc ipc = io.jipc.Ipc.create(io.jipc.IpcConfig.defaults().id("c").silent(true)
                    .wire(io.jipc.Wire.PROTO))) {
                io.jipc.IpcClient c = ipc.connectTo("s", path);
                assertEquals("[1,\"x\"]", c.request("q", List.of(1, "x")).toCompletableFuture()
                        .get(10, java.util.concurrent.TimeUnit.SECONDS).asText());
            }
        }
    }

    @Test
    void shouldRelayToEverySocketSenderIncluded() throws Exception {
        String path = dir.resolve("relay.sock").toString();
        try (Cli serve = Cli.start("serve", "--path", path, "--relay", "--silent")) {
            serve.out.awaitEvent("start");
            Cli listen = Cli.start("listen", "--path", path, "--count", "1", "--silent");
            serve.out.awaitEvent("connect");
            Cli emit = Cli.run("emit", "--path", path, "news", "\"x\"", "--wait", "news", "--silent");
            assertEquals(0, emit.status(), "stderr: " + emit.err.all());
            assertEquals(List.of(Lines.json("{\"event\":\"news\",\"data\":\"x\"}")), emit.out.json());
            assertEquals(0, listen.join(), "stderr: " + listen.err.all());
            assertTrue(listen.out.json().stream().anyMatch(n -> n.path("event").asText().equals("news")
                    && n.path("data").asText().equals("x")), listen.out.all().toString());
        }
    }

    /**
     * Issue #13: {@code serve --echo} sends back, to a protobuf client, a typed payload of a class it does not have
     * (printed as {@code {"@type","value"}}) and an opaque Envelope as large as --max-frame-bytes admits (printed as
     * base64, 4/3 that size).
     */
    @Test
    void shouldEchoUnknownTypedAndFrameSizedOpaquePayloadsToAProtobufClient() throws Exception {
        String path = dir.resolve("echo.sock").toString();
        try (Cli serve = Cli.start("serve", "--path", path, "--echo", "--silent", "--max-frame-bytes", "4096");
                java.nio.channels.SocketChannel raw = java.nio.channels.SocketChannel.open(
                        java.net.StandardProtocolFamily.UNIX)) {
            serve.out.awaitEvent("start");
            raw.connect(java.net.UnixDomainSocketAddress.of(path));
            com.google.protobuf.Any any = com.google.protobuf.Any.newBuilder()
                    .setTypeUrl("type.googleapis.com/acme.v1.Unknown")
                    .setValue(com.google.protobuf.ByteString.copyFrom(new byte[] {0x08, (byte) 0x96, 0x01})).build();
            byte[] bytes = new byte[4096 - 6]; // type "o" (3 bytes), tag and a 2-byte length (3): 4096 in all
            new java.util.Random(13).nextBytes(bytes);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0x8f, 0x6a, 0x69, 0x70, 0x63, 0x01});
            io.jipc.proto.v1.Envelope.newBuilder().setType("t").setTyped(any).build().writeDelimitedTo(out);
            io.jipc.proto.v1.Envelope.newBuilder().setType("o").setOpaque(com.google.protobuf.ByteString.copyFrom(bytes))
                    .build().writeDelimitedTo(out);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out.toByteArray());
            while (b.hasRemaining()) {
                raw.write(b);
            }
            assertEquals(Lines.json("{\"@type\":\"type.googleapis.com/acme.v1.Unknown\",\"value\":\"CJYB\"}"),
                    serve.out.awaitEvent("t").get("data"));
            assertEquals(Base64.getEncoder().encodeToString(bytes), serve.out.awaitEvent("o").get("data").asText());
            java.io.InputStream in = java.nio.channels.Channels.newInputStream(raw);
            java.util.concurrent.Future<List<io.jipc.proto.v1.Envelope>> back = java.util.concurrent.Executors
                    .newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "echo-reader");
                        t.setDaemon(true);
                        return t;
                    }).submit(() -> List.of(io.jipc.proto.v1.Envelope.parseDelimitedFrom(in),
                            io.jipc.proto.v1.Envelope.parseDelimitedFrom(in)));
            List<io.jipc.proto.v1.Envelope> echoed = back.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(any, echoed.get(0).getTyped());
            assertTrue(java.util.Arrays.equals(bytes, echoed.get(1).getOpaque().toByteArray()), "opaque echoed");
        }
    }

    @Test
    void shouldRefuseEchoWithRelay() {
        Cli cli = Cli.run("serve", "--path", dir.resolve("x.sock").toString(), "--echo", "--relay");
        assertEquals(Main.USAGE, cli.status());
        assertTrue(cli.err.all().get(0).contains("--echo and --relay exclude each other"), cli.err.all().toString());
    }

    @Test
    void shouldCloseConnectionsOverMaxConnections() throws Exception {
        String path = dir.resolve("max.sock").toString();
        try (Cli serve = Cli.start("serve", "--path", path, "--max-connections", "1", "--silent")) {
            serve.out.awaitEvent("start");
            java.nio.channels.SocketChannel first = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(path));
            serve.out.awaitEvent("connect");
            try (java.nio.channels.SocketChannel second = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(path))) {
                java.util.concurrent.CompletableFuture<Integer> read = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> {
                            try {
                                return second.read(java.nio.ByteBuffer.allocate(1));
                            } catch (java.io.IOException e) {
                                return -2; // reset: closed too
                            }
                        });
                int n = read.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(n < 0, "the connection over the limit is closed: " + n);
            }
            assertTrue(first.isConnected());
            first.close();
            assertEquals(1, serve.out.json().stream().filter(n -> n.path("event").asText().equals("connect"))
                    .count());
        }
    }

    @Test
    void shouldPrintOnlyListedEventsWithCustomDelimiter() throws Exception {
        String path = dir.resolve("d.sock").toString();
        try (Cli serve = Cli.start("serve", "--path", path, "--events", "ping", "--delimiter", "\\u0000",
                "--silent")) {
            serve.out.awaitEvent("start");
            assertEquals(0, Cli.run("emit", "--path", path, "--delimiter", "\\0", "other", "1").status());
            assertEquals(0, Cli.run("emit", "--path", path, "--delimiter", "\\0", "ping", "2").status());
            serve.out.await("socket 2 leaving", n -> n.path("event").asText().equals("socket.disconnected")
                    && n.path("socket").asText().equals("2"));

            List<String> events = serve.out.json().stream().map(n -> n.get("event").asText())
                    .collect(Collectors.toList());
            assertEquals(List.of("start", "connect", "socket.disconnected", "connect", "ping", "socket.disconnected"),
                    events);
            assertTrue(serve.out.json().contains(Lines.json("{\"event\":\"ping\",\"data\":2,\"socket\":\"2\"}")));
        }
    }

    @Test
    void shouldEchoRawBytes() throws Exception {
        String path = dir.resolve("raw.sock").toString();
        try (Cli serve = Cli.start("serve", "--path", path, "--raw", "--echo", "--silent")) {
            serve.out.awaitEvent("start");
            Cli emit = Cli.run("emit", "--path", path, "--raw", "hello raw", "--wait", "data");

            assertEquals(0, emit.status(), "stderr: " + emit.err.all());
            assertEquals("hello raw", decode(emit.out.json().get(0)));
            JsonNode got = serve.out.awaitEvent("data");
            assertEquals("1", got.get("socket").asText());
            assertEquals("hello raw", decode(got));
        }
    }

    @Test
    void shouldFailFastWhenNoServerIsThere() {
        String path = dir.resolve("missing.sock").toString();
        Cli emit = Cli.run("emit", "--path", path, "greet", "--timeout", "60000", "--silent");

        assertEquals(1, emit.status());
        assertTrue(emit.out.all().isEmpty(), "stdout: " + emit.out.all());
        assertEquals(1, emit.err.all().size(), "one error line: " + emit.err.all());
        String line = emit.err.all().get(0);
        assertTrue(line.startsWith("jipc: emit: ") && line.contains(path) && !line.contains("timed out"),
                "the connection error, not a timeout: " + line);
    }

    @Test
    void shouldFailFastWhenNothingListensOnTcp() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there now
        }
        Cli emit = Cli.run("emit", "--tcp", "127.0.0.1:" + port, "greet", "--timeout", "60000", "--silent");
        assertEquals(1, emit.status());
        String line = emit.err.all().get(0);
        assertTrue(line.contains("refused") && !line.contains("timed out"), line);
    }

    @Test
    void shouldTimeOutWaitingForAReplyThatNeverComes() throws Exception {
        String path = dir.resolve("mute.sock").toString();
        try (Cli serve = Cli.start("serve", "--path", path, "--silent")) {
            serve.out.awaitEvent("start");
            Cli emit = Cli.run("emit", "--path", path, "ask", "--wait", "answer", "--timeout", "500");

            assertEquals(1, emit.status());
            assertTrue(emit.out.all().isEmpty());
            String line = emit.err.all().get(0);
            assertTrue(line.contains("timed out") && line.contains("'answer'") && line.contains("got 0"), line);
            serve.out.awaitEvent("ask"); // the emit itself went out
        }
    }

    @Test
    void shouldFailToServeWhereAServerListens() throws Exception {
        String path = dir.resolve("busy.sock").toString();
        try (Cli serve = Cli.start("serve", "--path", path, "--silent")) {
            serve.out.awaitEvent("start");
            Cli second = Cli.run("serve", "--path", path, "--silent");

            assertEquals(1, second.status());
            assertTrue(second.out.all().isEmpty(), "no start line: " + second.out.all());
            assertTrue(second.err.all().get(0).startsWith("jipc: serve: "), second.err.all().toString());
            assertTrue(Files.exists(Path.of(path)), "the live server's socket stays");
        }
    }

    private static String decode(JsonNode line) {
        return new String(Base64.getDecoder().decode(line.get("base64").asText()), StandardCharsets.UTF_8);
    }

    private static JsonNode last(Cli cli) {
        List<JsonNode> all = cli.out.json();
        return all.get(all.size() - 1);
    }
}
