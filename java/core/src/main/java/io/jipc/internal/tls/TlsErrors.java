package io.jipc.internal.tls;

import io.jipc.IpcException;
import io.jipc.internal.transport.Addresses;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Turns TLS failures into {@link IpcException}s that say who refused whom and why. Codes: {@code ECERTUNTRUSTED}
 * (we refused the peer's certificate: not signed by a trusted certificate), {@code ECERTEXPIRED} (a certificate is
 * expired or not yet valid), {@code ECERTREQUIRED} (a server with requestCert got no client certificate),
 * {@code ECERTHOST} (the server's certificate does not name the host), {@code ECERTREJECTED} (the peer refused
 * ours, with its TLS alert), {@code ETLS} (anything else: no common protocol or cipher, not TLS at all, ...).
 */
final class TlsErrors {
    private TlsErrors() {
    }

    static IpcException of(Throwable e, boolean client, SocketAddress peer) {
        if (e instanceof IpcException) {
            return (IpcException) e;
        }
        String peerRole = client ? "server" : "client";
        String where = "TLS handshake with " + peerRole + " " + Addresses.describe(peer) + ": ";
        String msg = messages(e);
        String lower = msg.toLowerCase(Locale.ROOT);
        if (has(e, CertificateExpiredException.class) || has(e, CertificateNotYetValidException.class)) {
            return new IpcException(IpcException.ECERTEXPIRED, where + "the " + peerRole + "'s certificate "
                    + (has(e, CertificateExpiredException.class) ? "has expired" : "is not yet valid")
                    + "; refused (" + root(e) + ")", e);
        }
        if (lower.contains("received fatal alert")) {
            String alert = msg.substring(lower.indexOf("received fatal alert") + "received fatal alert".length())
                    .replaceFirst("^[: ]+", "").split("[\\s;,]")[0];
            String hint = alert.contains("expired") ? "it says our certificate has expired"
                    : alert.contains("certificate_required") ? "it requires a client certificate (set tls private"
                    + " and public)"
                    : alert.contains("bad_certificate") || alert.contains("unknown_ca")
                    || alert.contains("certificate_unknown") ? "it does not trust our certificate"
                    : "it ended the handshake";
            String code = alert.contains("expired") ? IpcException.ECERTEXPIRED : alert.contains("certificate")
                    || alert.contains("unknown_ca") ? IpcException.ECERTREJECTED : IpcException.ETLS;
            return new IpcException(code, where + "the " + peerRole + " refused the connection: " + hint
                    + " (TLS alert " + alert + ")", e);
        }
        if (lower.contains("empty client certificate chain") || lower.contains("empty certificate chain")) {
            return new IpcException(IpcException.ECERTREQUIRED,
                    where + "the client sent no certificate (a JDK client offers"
                    + " only one issued by a CA in the server's trustedConnections), but requestCert and"
                    + " rejectUnauthorized are set; refused", e);
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return new IpcException(IpcException.ECERTHOST, where + "the server's certificate does not name the host "
                    + hostOf(peer) + " (checkServerIdentity; add it as a subject alternative name); refused ("
                    + root(e) + ")", e);
        }
        if (has(e, CertPathBuilderException.class) || lower.contains("pkix path") || lower.contains(
                "certification path") || lower.contains("not trusted")) {
            return new IpcException(IpcException.ECERTUNTRUSTED,
                    where + "the " + peerRole + "'s certificate is not trusted"
                    + " (not signed by a certificate in trustedConnections); refused (" + root(e) + ")", e);
        }
        return new IpcException(IpcException.ETLS, where + msg, e);
    }

    private static String hostOf(SocketAddress peer) {
        return peer instanceof InetSocketAddress ? ((InetSocketAddress) peer).getHostString() : String.valueOf(peer);
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && sb.indexOf(t.getMessage()) < 0) {
                sb.append(sb.length() == 0 ? "" : "; ").append(t.getMessage());
            }
        }
        return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
    }

    private static String root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
