package io.jipc.bench;

import io.jipc.Backpressure;
import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;
import io.jipc.UdpType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the benchmark server listens and how to reach it.
 *
 * <ul>
 *   <li>{@code uds}: a Unix socket {@code dir + "app." + SERVER_ID};
 *   <li>{@code tcp}: TCP on 127.0.0.1 and a port the OS chose;
 *   <li>{@code udp}: a UDP4 server on 127.0.0.1 and a port the OS chose (the "client" is another UDP server on its
 *       own port that emits to this address, as node-ipc has no UDP client);
 *   <li>{@code tls}: TLS over TCP on 127.0.0.1, with the throwaway certificates of {@link BenchCerts} in {@code dir}
 *       (mutual authentication: the server presents a certificate whose SAN names 127.0.0.1 and requires a client
 *       certificate; both are signed by a throwaway CA).
 * </ul>
 *
 * @param transport one of {@link #TRANSPORTS}
 * @param dir for uds: directory prefix (with trailing slash) of the Unix socket; for tls: the certificate
 *     directory; else null
 * @param port the TCP or UDP port, or 0 for UDS
 */
record Endpoint(String transport, String dir, int port) {
    /** The transports the benchmarks know. */
    static final List<String> TRANSPORTS = List.of("uds", "tcp", "udp", "tls");
    /** The id the server is served under (and the key its clients use). */
    static final String SERVER_ID = "jipcbench";
    /** Host of every network benchmark socket. */
    static final String HOST = "127.0.0.1";
    /** What the tls transport authenticates, as printed in the result line. */
    static final String TLS_AUTH = "mutual";

    /** @return true for a Unix-domain socket endpoint */
    boolean uds() {
        return "uds".equals(transport);
    }

    /** @return true for a UDP endpoint */
    boolean udp() {
        return "udp".equals(transport);
    }

    /** @return true for a TLS endpoint */
    boolean tls() {
        return "tls".equals(transport);
    }

    /** @return the line the server child prints once listening (parsed back by {@link #parseReady}) */
    String readyLine() {
        return "READY " + transport + " " + port + " " + (dir == null ? "-" : dir);
    }

    /**
     * @param line a line printed by {@link #readyLine()}
     * @return the endpoint it describes
     */
    static Endpoint parseReady(String line) {
        String[] p = line.trim().split(" ", 4);
        if (p.length != 4 || !"READY".equals(p[0]) || !TRANSPORTS.contains(p[1])) {
            throw new IllegalStateException("server child printed '" + line + "' instead of READY");
        }
        return new Endpoint(p[1], "-".equals(p[3]) ? null : p[3], Integer.parseInt(p[2]));
    }

    /** @return the server's config (socket directory for uds, server certificate and client CA for tls) */
    IpcConfig serverConfig() {
        IpcConfig cfg = IpcConfig.defaults().id(SERVER_ID).flushTimeout(Duration.ofSeconds(30))
                .busyPoll(busyPoll());
        if (uds()) {
            cfg.socketRoot(dir);
        } else if (tls()) {
            cfg.tls(IpcConfig.Tls.create().privateKey(cert(BenchCerts.SERVER_KEY))
                    .publicCert(cert(BenchCerts.SERVER_CERT)).trustedConnections(cert(BenchCerts.CA_CERT))
                    .requestCert(true));
        }
        return cfg;
    }

    /**
     * Makes (not starts) the server for this endpoint; its port is the one given, usually 0.
     *
     * @param ipc an instance made with {@link #serverConfig()}
     * @return the server
     */
    IpcServer serve(Ipc ipc) {
        if (uds()) {
            return ipc.serve();
        }
        return udp() ? ipc.serveNet(HOST, port, UdpType.UDP4) : ipc.serveNet(HOST, port);
    }

    /** System property: busy-poll time of both sides' I/O threads in microseconds (default 0: off). */
    static final String BUSY_POLL_PROPERTY = "jipc.bench.busyPollUs";

    /** @return the busy-poll time both sides use (system property {@value #BUSY_POLL_PROPERTY}), zero when off */
    static Duration busyPoll() {
        return Duration.ofNanos(1000L * Long.parseLong(System.getProperty(BUSY_POLL_PROPERTY, "0").trim()));
    }

    /** @return " busypoll=Nus" for result lines when busy polling is on, else "" */
    static String busyPollLabel() {
        long us = busyPoll().toNanos() / 1000;
        return us == 0 ? "" : " busypoll=" + us + "us";
    }

    /** @return the client's codec: system property {@code jipc.bench.wire} ({@code json}, the default, or {@code proto}) */
    static io.jipc.Wire wire() {
        return io.jipc.Wire.valueOf(System.getProperty("jipc.bench.wire", "json").toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * @return a client config that reaches this endpoint and gives up instead of retrying when the server goes (for
     *     tls: trusts the throwaway CA and presents the client certificate)
     */
    IpcConfig clientConfig() {
        IpcConfig c = IpcConfig.defaults().id("jipcbench-client").stopRetrying(true).maxRetries(0)
                .flushTimeout(Duration.ofSeconds(30)).backpressure(Backpressure.BLOCK) // a flood waits, never fails
                .wire(wire()).busyPoll(busyPoll());
        if (uds()) {
            c.socketRoot(dir);
        } else if (tls()) {
            c.tls(IpcConfig.Tls.create().trustedConnections(cert(BenchCerts.CA_CERT))
                    .privateKey(cert(BenchCerts.CLIENT_KEY)).publicCert(cert(BenchCerts.CLIENT_CERT)));
        }
        return c;
    }

    /**
     * @param ipc an instance made with {@link #clientConfig()}
     * @return a client connecting to this endpoint (not for udp, which has no client)
     */
    IpcClient connect(Ipc ipc) {
        if (udp()) {
            throw new IllegalStateException("udp has no client: emit from a UDP server instead");
        }
        return uds() ? ipc.connectTo(SERVER_ID) : ipc.connectToNet(SERVER_ID, HOST, port);
    }

    private String cert(String name) {
        return Path.of(dir).resolve(name).toString();
    }

    /**
     * Size on the wire of one node-ipc frame {@code {"type":T,"data":"xxx..."}\f} with an ASCII type and an ASCII
     * string payload of {@code size} characters (no escaping needed).
     *
     * @param type event type
     * @param size payload characters
     * @return frame bytes, delimiter included
     */
    static int frameBytes(String type, int size) {
        return "{\"type\":".length() + type.length() + 2 + ",\"data\":".length() + size + 2 + "}".length() + 1;
    }
}
