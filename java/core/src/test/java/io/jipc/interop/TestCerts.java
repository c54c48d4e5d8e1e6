package io.jipc.interop;

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
 * Test certificates made with {@code openssl} in a temporary directory (nothing private is committed): a CA, a
 * server and a client certificate signed by it (SANs localhost, 127.0.0.1 and ::1), an expired server and client
 * certificate from the same CA, and a self-signed "rogue" certificate nobody trusts. Keys come in every format jipc
 * reads: the server's is SEC1 EC, the client's PKCS#1 RSA, the others PKCS#8 (RSA and EC).
 */
public final class TestCerts {
    private static TestCerts shared;

    /** The directory holding the files. */
    public final Path dir;

    private TestCerts(Path dir) {
        this.dir = dir;
    }

    /** @return the certificates, made once per JVM */
    public static synchronized TestCerts get() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("jipc-certs-");
                dir.toFile().deleteOnExit();
                TestCerts c = new TestCerts(dir);
                c.make();
                shared = c;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** @return the path of a file in the directory, as a string */
    public String path(String name) {
        return dir.resolve(name).toString();
    }

    private void make() throws IOException {
        write("server.ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                + "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n");
        write("client.ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                + "extendedKeyUsage=clientAuth,serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n");
        write("ca.cnf", "[ca]\ndefault_ca=d\n[d]\ndir=.\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\n"
                + "default_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n");
        write("index.txt", "");
        write("serial", "1000\n");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
                "-subj", "/CN=jipc test CA");
        // server: SEC1 EC key ("EC PRIVATE KEY")
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key");
        sign("server", "localhost", "server.ext");
        // client: PKCS#1 RSA key ("RSA PRIVATE KEY")
        openssl("genrsa", "-traditional", "-out", "client.key", "2048");
        sign("client", "jipc client", "client.ext");
        // PKCS#8 RSA and PKCS#8 EC variants of the server key, for the key-format tests
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "server-rsa8.key");
        sign("server-rsa8", "localhost", "server.ext");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "server.key", "-out", "server-ec8.key");
        Files.copy(dir.resolve("server.pem"), dir.resolve("server-ec8.pem"));
        // signed by the CA but for another host only
        write("other.ext", "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                + "subjectAltName=DNS:other.invalid\n");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.key");
        sign("other", "other.invalid", "other.ext");
        // expired certificates from the trusted CA
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "expired.key");
        openssl("req", "-new", "-key", "expired.key", "-out", "expired.csr", "-subj", "/CN=localhost");
        openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "expired.csr",
                "-out", "expired.pem", "-startdate", "20200101000000Z", "-enddate", "20200201000000Z",
                "-extfile", "server.ext", "-notext");
        // a self-signed certificate nobody trusts
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rogue.key", "-out", "rogue.pem", "-days",
                "30", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1");
    }

    private void sign(String name, String cn, String ext) {
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "30", "-sha256", "-extfile", ext);
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
                throw new IllegalStateException(String.join(" ", cmd) + " failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (install it: apt-get install -y openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
