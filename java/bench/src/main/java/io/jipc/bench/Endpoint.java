package io.jipc.bench;

import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import java.time.Duration;

/**
 * Where the benchmark server listens: a Unix socket {@code socketRoot + "app." + SERVER_ID}, or TCP on
 * 127.0.0.1 and a port the OS chose.
 *
 * @param transport {@code "uds"} or {@code "tcp"}
 * @param socketRoot directory prefix (with trailing slash) of the Unix socket, or null for TCP
 * @param port TCP port, or 0 for UDS
 */
record Endpoint(String transport, String socketRoot, int port) {
    /** The id the server is served under (and the key its clients use). */
    static final String SERVER_ID = "jipcbench";
    /** TCP host of every benchmark connection. */
    static final String HOST = "127.0.0.1";

    /** @return true for a Unix-domain socket endpoint */
    boolean uds() {
        return "uds".equals(transport);
    }

    /** @return the line the server child prints once listening (parsed back by {@link #parseReady}) */
    String readyLine() {
        return "READY " + transport + " " + (uds() ? socketRoot : Integer.toString(port));
    }

    /**
     * @param line a line printed by {@link #readyLine()}
     * @return the endpoint it describes
     */
    static Endpoint parseReady(String line) {
        String[] p = line.trim().split(" ", 3);
        if (p.length != 3 || !"READY".equals(p[0])) {
            throw new IllegalStateException("server child printed '" + line + "' instead of READY");
        }
        return "uds".equals(p[1]) ? new Endpoint("uds", p[2], 0) : new Endpoint("tcp", null, Integer.parseInt(p[2]));
    }

    /** @return a client config that reaches this endpoint and gives up instead of retrying when the server goes */
    IpcConfig clientConfig() {
        IpcConfig c = IpcConfig.defaults().id("jipcbench-client").stopRetrying(true).maxRetries(0)
                .flushTimeout(Duration.ofSeconds(30));
        if (uds()) {
            c.socketRoot(socketRoot);
        }
        return c;
    }

    /**
     * @param ipc an instance made with {@link #clientConfig()}
     * @return a client connecting to this endpoint
     */
    IpcClient connect(Ipc ipc) {
        return uds() ? ipc.connectTo(SERVER_ID) : ipc.connectToNet(SERVER_ID, HOST, port);
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
