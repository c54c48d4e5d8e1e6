package io.jipc.internal.tls;

import io.jipc.IpcException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files with the JDK only: certificates (one or more {@code CERTIFICATE} blocks) and private keys in
 * PKCS#8 ({@code PRIVATE KEY}: RSA, EC, Ed25519...), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1
 * ({@code EC PRIVATE KEY}); the last two are wrapped into PKCS#8 with a few bytes of DER. Encrypted keys are refused.
 * Every failure is an {@link IpcException} ({@code ETLSCONFIG}) naming the option, the file and the reason.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** rsaEncryption, 1.2.840.113549.1.1.1. */
    private static final byte[] OID_RSA = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
        0x01, 0x01};
    /** id-ecPublicKey, 1.2.840.10045.2.1. */
    private static final byte[] OID_EC = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

    private Pem() {
    }

    /**
     * @param option the config option, for messages (e.g. {@code tls.public})
     * @param file a PEM file of one or more certificates
     * @return the certificates, in file order
     */
    public static List<X509Certificate> certificates(String option, Path file) {
        byte[] bytes = read(option, file);
        List<X509Certificate> certs = new ArrayList<>();
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
        } catch (GeneralSecurityException | IOException e) {
            throw fail(option, file, "not a readable PEM certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw fail(option, file, "no '-----BEGIN CERTIFICATE-----' block in the file", null);
        }
        return certs;
    }

    /**
     * @param option the config option, for messages (e.g. {@code tls.private})
     * @param file a PEM file holding an unencrypted private key
     * @return the key
     */
    public static PrivateKey privateKey(String option, Path file) {
        String text = new String(read(option, file), StandardCharsets.ISO_8859_1);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            String body = m.group(2);
            byte[] pkcs8;
            switch (label) {
                case "PRIVATE KEY":
                    pkcs8 = decode(option, file, body);
                    break;
                case "RSA PRIVATE KEY":
                    refuseEncrypted(option, file, body);
                    pkcs8 = pkcs8(concat(OID_RSA, DER_NULL), decode(option, file, body));
                    break;
                case "EC PRIVATE KEY": {
                    refuseEncrypted(option, file, body);
                    byte[] sec1 = decode(option, file, body);
                    pkcs8 = pkcs8(concat(OID_EC, curveOf(option, file, sec1)), sec1);
                    break;
                }
                case "ENCRYPTED PRIVATE KEY":
                    throw fail(option, file, "the key is encrypted; jipc reads unencrypted keys only (decrypt it with"
                            + " 'openssl pkcs8 -topk8 -nocrypt')", null);
                default:
                    continue; // EC PARAMETERS, CERTIFICATE... next block
            }
            return keyFrom(option, file, pkcs8);
        }
        throw fail(option, file, "no private key block (expected '-----BEGIN PRIVATE KEY-----', 'RSA PRIVATE KEY'"
                + " or 'EC PRIVATE KEY')", null);
    }

    private static PrivateKey keyFrom(String option, Path file, byte[] pkcs8) {
        GeneralSecurityException last = null;
        for (String alg : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw fail(option, file, "not a private key this JDK can read (tried " + String.join(", ", KEY_ALGORITHMS)
                + ")", last);
    }

    private static byte[] read(String option, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw fail(option, file, "no such file", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw fail(option, file, "permission denied", e);
        } catch (IOException e) {
            throw fail(option, file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static void refuseEncrypted(String option, Path file, String body) {
        if (body.contains("Proc-Type:") && body.contains("ENCRYPTED")) {
            throw fail(option, file, "the key is encrypted; jipc reads unencrypted keys only (decrypt it with"
                    + " 'openssl pkey')", null);
        }
    }

    private static byte[] decode(String option, Path file, String body) {
        StringBuilder b64 = new StringBuilder();
        for (String line : body.split("\r?\n")) {
            if (!line.contains(":")) {
                b64.append(line.trim());
            }
        }
        try {
            return Base64.getDecoder().decode(b64.toString());
        } catch (IllegalArgumentException e) {
            throw fail(option, file, "bad base64 in the PEM block: " + e.getMessage(), e);
        }
    }

    /** The named curve OID in a SEC1 ECPrivateKey's {@code [0] parameters}. */
    private static byte[] curveOf(String option, Path file, byte[] sec1) {
        int[] seq = header(sec1, 0);
        int pos = seq[0];
        int end = pos + seq[1];
        while (pos < end) {
            int tag = sec1[pos] & 0xff;
            int[] h = header(sec1, pos);
            if (tag == 0xa0) {
                int[] oid = header(sec1, h[0]);
                if ((sec1[h[0]] & 0xff) == 0x06) {
                    return java.util.Arrays.copyOfRange(sec1, h[0], oid[0] + oid[1]);
                }
            }
            pos = h[0] + h[1];
        }
        throw fail(option, file, "the EC key does not name its curve (no parameters in the SEC1 key)", null);
    }

    /** @return {content offset, content length} of the TLV at {@code pos} */
    private static int[] header(byte[] der, int pos) {
        int len = der[pos + 1] & 0xff;
        int off = pos + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[off + i] & 0xff);
            }
            off += n;
        }
        return new int[] {off, len};
    }

    /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key }. */
    private static byte[] pkcs8(byte[] algorithmContent, byte[] key) {
        return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, tlv(0x30, algorithmContent), tlv(0x04, key)));
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static IpcException fail(String option, Path file, String reason, Throwable cause) {
        return new IpcException(IpcException.ETLSCONFIG, option + " " + file + ": " + reason, cause);
    }
}
