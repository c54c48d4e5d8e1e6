package io.jipc.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway certificates for the tls transport, made with {@code openssl} into a temporary directory at startup
 * (nothing private is committed or reused): a self-signed CA, and a server and a client certificate signed by it,
 * all with EC P-256 keys; the server's SAN names {@code IP:127.0.0.1} and {@code DNS:localhost}, so the client's
 * host-name check passes for 127.0.0.1.
 */
final class BenchCerts {
    /** CA certificate (trusted by both sides). */
    static final String CA_CERT = "ca.pem";
    /** Server private key. */
    static final String SERVER_KEY = "server.key";
    /** Server certificate. */
    static final String SERVER_CERT = "server.pem";
    /** Client private key. */
    static final String CLIENT_KEY = "client.key";
    /** Client certificate. */
    static final String CLIENT_CERT = "client.pem";

    private final Path dir;

    private BenchCerts(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes the CA, server and client certificates in a directory.
     *
     * @param dir an existing, empty directory
     */
    static void make(Path dir) {
        new BenchCerts(dir).make();
    }

    private void make() {
        try {
            write("server.ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                    + "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
            write("client.ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                    + "extendedKeyUsage=clientAuth\nsubjectAltName=DNS:jipc-bench-client\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "ca.key", "-out", CA_CERT, "-days", "2", "-subj", "/CN=jipc bench throwaway CA");
        sign("server", "127.0.0.1", "server.ext");
        sign("client", "jipc-bench-client", "client.ext");
    }

    private void sign(String name, String cn, String ext) {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", CA_CERT, "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-sha256", "-extfile", ext);
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (needed for the tls transport)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
