package io.jipc.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMutualAuthExampleTest {
    @Test
    void shouldAuthenticateBothSidesAndRefuseAClientWithoutACertificate() {
        ExampleOutput run = ExampleOutput.run(TlsMutualAuth::run, "--port", "0")
                .assertSucceeded("tls-mutual-auth")
                .assertLineStarting("made a throwaway CA, server and client certificate with openssl in ")
                .assertLineStarting("world: listening with TLS on ")
                .assertLine("hello: connected to world over TLS")
                .assertLine("world: got a message from an authenticated client: hello")
                .assertLine("hello: got a message from world: hello world!")
                .assertLineStarting("world: refused a client without a certificate: ECERTREQUIRED ");
        String made = run.out.stream().filter(l -> l.startsWith("made a throwaway")).findFirst().orElseThrow();
        Path dir = Path.of(made.substring(made.indexOf(" in ") + 4, made.lastIndexOf(": ")));
        assertFalse(Files.exists(dir), "the throwaway certificates are deleted: " + dir);
    }

    @Test
    void shouldUseTheCertificatesInAGivenDirectory(@TempDir Path certs) throws Exception {
        ThrowawayCerts.make(certs);
        ExampleOutput.run(TlsMutualAuth::run, "--port", "0", "--certs", certs.toString())
                .assertSucceeded("tls-mutual-auth")
                .assertNoLineStarting("made a throwaway")
                .assertLine("hello: got a message from world: hello world!");
        for (String name : ThrowawayCerts.FILES) {
            assertTrue(Files.exists(certs.resolve(name)), "kept: " + name);
        }
    }
}
