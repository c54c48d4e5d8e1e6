package io.jipc.internal.tls;

import io.jipc.IpcConfig;
import io.jipc.IpcException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The {@link SSLContext} made once per {@code Ipc} from {@link IpcConfig.Tls}, and the engines for each connection.
 * Trust follows node: {@code trustedConnections} replaces the default CAs; {@code rejectUnauthorized=false} accepts
 * anything. Unlike the JDK's PKIX checks, which do not check a trust anchor's dates, an expired certificate is refused
 * even when it is itself in trustedConnections (as OpenSSL, and so node-ipc, refuse it).
 */
public final class TlsSetup {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final IpcConfig.Tls options;
    private final SSLContext context;
    private final boolean hasKey;

    private TlsSetup(IpcConfig.Tls options, SSLContext context, boolean hasKey) {
        this.options = options;
        this.context = context;
        this.hasKey = hasKey;
    }

    /**
     * Reads the files and builds the context.
     *
     * @param options the TLS options
     * @param log receives the dhparam notice
     * @return the setup
     * @throws IpcException ({@code ETLSCONFIG}) naming the option and file that cannot be used
     */
    public static TlsSetup of(IpcConfig.Tls options, java.util.function.Consumer<String> log) {
        if ((options.privateKey() == null) != (options.publicCert() == null)) {
            throw new IpcException(IpcException.ETLSCONFIG, "tls: private (" + options.privateKey() + ") and public ("
                    + options.publicCert() + ") must be given together");
        }
        if (options.dhparam() != null) {
            log.accept("tls.dhparam " + options.dhparam() + " ignored: the JDK negotiates its own groups");
        }
        try {
            KeyManager[] keys = null;
            if (options.privateKey() != null) {
                PrivateKey key = Pem.privateKey("tls.private", Path.of(options.privateKey()));
                List<X509Certificate> chain = Pem.certificates("tls.public", Path.of(options.publicCert()));
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                char[] none = new char[0];
                try {
                    ks.setKeyEntry("jipc", key, none, chain.toArray(new X509Certificate[0]));
                } catch (GeneralSecurityException e) {
                    throw new IpcException(IpcException.ETLSCONFIG,
                            "tls.private " + options.privateKey() + " and tls.public "
                            + options.publicCert() + " do not go together: " + e.getMessage(), e);
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, none);
                keys = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, new TrustManager[] {trustManager(options)}, null);
            return new TlsSetup(options, ctx, keys != null);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IpcException(IpcException.ETLSCONFIG, "tls: cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager trustManager(IpcConfig.Tls options)
            throws GeneralSecurityException, java.io.IOException {
        if (!options.rejectUnauthorized()) {
            return new AcceptAll();
        }
        KeyStore trusted = null;
        if (!options.trustedConnections().isEmpty()) {
            trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int n = 0;
            for (String file : options.trustedConnections()) {
                for (X509Certificate c : Pem.certificates("tls.trustedConnections", Path.of(file))) {
                    trusted.setCertificateEntry("trusted-" + n++, c);
                }
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager) {
                return new CheckDates((X509ExtendedTrustManager) tm);
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    /** @return true when a private key and certificate were configured (a server needs them) */
    public boolean hasKey() {
        return hasKey;
    }

    /** @return an engine for an accepted connection */
    public SSLEngine serverEngine() {
        if (!hasKey) {
            throw new IpcException(IpcException.ETLSCONFIG, "tls: a TLS server needs private and public (a key and its "
                    + "certificate); jipc has no bundled example certificates");
        }
        SSLEngine e = context.createSSLEngine();
        e.setUseClientMode(false);
        e.setEnabledProtocols(enabled(e));
        if (options.requestCert()) {
            if (options.rejectUnauthorized()) {
                e.setNeedClientAuth(true);
            } else {
                e.setWantClientAuth(true);
            }
        }
        return e;
    }

    /**
     * @param host the host connected to (checked against the certificate when checkServerIdentity is on)
     * @param port its port
     * @return an engine for a client connection
     */
    public SSLEngine clientEngine(String host, int port) {
        SSLEngine e = context.createSSLEngine(host, port);
        e.setUseClientMode(true);
        e.setEnabledProtocols(enabled(e));
        if (options.rejectUnauthorized() && options.checkServerIdentity()) {
            SSLParameters p = e.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            e.setSSLParameters(p);
        }
        return e;
    }

    private static String[] enabled(SSLEngine e) {
        List<String> supported = Arrays.asList(e.getSupportedProtocols());
        List<String> on = new ArrayList<>();
        for (String p : PROTOCOLS) {
            if (supported.contains(p)) {
                on.add(p);
            }
        }
        return on.toArray(new String[0]);
    }

    /** The JDK's checks, plus validity dates of every certificate in the chain, trust anchors included. */
    private static final class CheckDates extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;

        CheckDates(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        private static void dates(X509Certificate[] chain) throws CertificateException {
            if (chain != null) {
                for (X509Certificate c : chain) {
                    c.checkValidity();
                }
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            dates(chain);
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            dates(chain);
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            dates(chain);
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            dates(chain);
            delegate.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            dates(chain);
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            dates(chain);
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** rejectUnauthorized=false: any certificate, as node then accepts. */
    private static final class AcceptAll extends X509ExtendedTrustManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // accepted: rejectUnauthorized is false
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // accepted: rejectUnauthorized is false
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // accepted: rejectUnauthorized is false
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // accepted: rejectUnauthorized is false
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // accepted: rejectUnauthorized is false
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // accepted: rejectUnauthorized is false
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
