package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's --udp4/--udp6 addresses and TLS options. */
class UdpTlsTest {
    @TempDir
    Path dir;

    @Test
    void shouldEmitOverUdpAndGetTheEchoOnTheBoundPort() throws Exception {
        try (Cli serve = Cli.start("serve", "--udp4", "127.0.0.1:0", "--echo", "--silent")) {
            JsonNode start = serve.out.awaitEvent("start");
            assertEquals("udp4", start.get("transport").asText());
            String at = start.get("address").asText();
            Cli emit = Cli.run("emit", "--udp4", at, "ping", "{\"n\":1}", "--wait", "ping", "--silent");
            assertEquals(0, emit.status(), "stderr: " + emit.err.all());
            assertEquals(List.of(Lines.json("{\"event\":\"ping\",\"data\":{\"n\":1}}")), emit.out.json());
            JsonNode got = serve.out.awaitEvent("ping");
            assertEquals("1", got.get("socket").asText());
        }
    }

    @Test
    void shouldListenOnABoundUdpPort() throws Exception {
        int port;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        try (Cli listen = Cli.start("listen", "--udp4", "127.0.0.1:9", "--bind", "127.0.0.1:" + port, "--count", "1",
                "--silent")) {
            listen.out.awaitEvent("connect");
            Cli emit = Cli.run("emit", "--udp4", "127.0.0.1:" + port, "hello", "\"udp\"", "--silent");
            assertEquals(0, emit.status(), "stderr: " + emit.err.all());
            assertEquals(Lines.json("{\"event\":\"hello\",\"data\":\"udp\"}"), listen.out.awaitEvent("hello"));
            assertEquals(0, listen.join());
        }
    }

    @Test
    void shouldRefuseTlsOptionsWithoutTcpAndBindWithoutUdp() {
        Cli a = Cli.run("serve", "--udp4", "127.0.0.1:0", "--private", "k.pem");
        assertEquals(2, a.status());
        assertTrue(a.err.all().toString().contains("--tcp addresses only"), a.err.all().toString());
        Cli b = Cli.run("emit", "--tcp", "127.0.0.1:1", "--bind", "127.0.0.1:0", "x");
        assertEquals(2, b.status());
    }

    @Test
    void shouldServeAndEmitOverTlsWithMutualAuth() throws Exception {
        makeCerts();
        try (Cli serve = Cli.start("serve", "--tcp", "127.0.0.1:0", "--echo", "--silent",
                "--private", file("server.key"), "--public", file("server.pem"), "--trusted", file("ca.pem"),
                "--request-cert")) {
            String at = serve.out.awaitEvent("start").get("address").asText();
            Cli emit = Cli.run("emit", "--tcp", at, "secret", "\"s\"", "--wait", "secret", "--silent",
                    "--private", file("client.key"), "--public", file("client.pem"), "--trusted", file("ca.pem"));
            assertEquals(0, emit.status(), "stderr: " + emit.err.all());
            assertEquals(List.of(Lines.json("{\"event\":\"secret\",\"data\":\"s\"}")), emit.out.json());

            Cli refused = Cli.run("emit", "--tcp", at, "secret", "--wait", "secret", "--silent", "--trusted",
                    file("ca.pem"), "--timeout", "5000");
            assertEquals(1, refused.status(), "no client certificate: " + refused.out.all());
            assertTrue(serve.out.awaitEvent("error").get("message").asText().contains("no certificate"));
        }
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private void makeCerts() throws Exception {
        Files.writeString(dir.resolve("ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n"
                + "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=cli test CA");
        for (String name : List.of("server", "client")) {
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
            openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".pem", "-days", "2", "-extfile", "ext");
        }
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, cmd + ": " + out);
    }
}
