package io.jipc.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the PEM files the TLS example needs with the {@code openssl} command, in a directory of its own: a CA
 * ({@code ca.pem}), a server certificate for {@code localhost} / {@code 127.0.0.1} / {@code ::1}
 * ({@code server.pem}, {@code server.key}) and a client certificate ({@code client.pem}, {@code client.key}), both
 * signed by the CA and valid for 7 days. Good for trying things out, never for production: the CA's key lies
 * next to them.
 */
final class ThrowawayCerts {
    /** The files made, in the order made. */
    static final List<String> FILES = List.of("ca.pem", "server.key", "server.pem", "client.key", "client.pem");

    private final Path dir;

    private ThrowawayCerts(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes the files.
     *
     * @param dir an existing, empty directory
     * @throws IOException when openssl cannot be run
     * @throws ExampleFailure when an openssl command fails, with its output
     * @throws InterruptedException when interrupted while openssl runs
     */
    static void make(Path dir) throws IOException, InterruptedException {
        new ThrowawayCerts(dir).make();
    }

    private void make() throws IOException, InterruptedException {
        // SANs: the server's cover the names a client may dial; the client's usage allows client authentication
        Files.writeString(dir.resolve("server.ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                + "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n", StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("client.ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
                StandardCharsets.US_ASCII);
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "7", "-subj", "/CN=jipc example CA");
        signed("server", "localhost");
        signed("client", "jipc example client");
        for (String scratch : List.of("ca.key", "ca.srl", "server.csr", "client.csr", "server.ext", "client.ext")) {
            Files.deleteIfExists(dir.resolve(scratch)); // nothing can be signed with this CA any more
        }
    }

    /** An EC P-256 key (PKCS#8) and a certificate for it signed by the CA. */
    private void signed(String name, String commonName) throws IOException, InterruptedException {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "7", "-sha256", "-extfile", name + ".ext", "-out", name + ".pem");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run openssl (is it installed?): " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new ExampleFailure(String.join(" ", command) + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new ExampleFailure(String.join(" ", command) + " failed (exit " + process.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }
}
