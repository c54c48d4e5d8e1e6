package io.jipc.bench;

import io.jipc.Ipc;
import io.jipc.IpcServer;
import io.jipc.IpcSocket;
import io.jipc.Message;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The benchmark server: one {@link Ipc} serving a Unix socket under a fresh socketRoot, or TCP, UDP4 or TLS on
 * 127.0.0.1:0 (see {@link Endpoint}), with handlers for both benchmarks.
 *
 * <ul>
 *   <li>{@code ping}: echoed back to the sender as {@code pong}, relaying the received {@link Message} (its bytes go
 *       out as they came, no re-encoding);
 *   <li>{@code begin} (data: N): starts a stream run of N messages;
 *   <li>{@code msg}: counted; when the count reaches N the server emits {@code done} (data: the count).
 * </ul>
 *
 * <p>Handlers run on the I/O thread, so the stream state needs no synchronisation. Over UDP the handler's socket is
 * the sender, so {@code socket.emit} answers with one datagram to it.
 */
final class BenchServer implements AutoCloseable {
    private final Ipc ipc;
    private final IpcServer server;
    private final Endpoint endpoint;
    // I/O thread only
    private long target = -1;
    private long count;
    private long totalMsgs;
    private long pings;

    /**
     * Starts listening.
     *
     * @param transport one of {@link Endpoint#TRANSPORTS}
     * @param dir for uds: directory for the socket file, ending in '/'; for tls: the certificate directory
     *     ({@link BenchCerts}); ignored otherwise
     */
    BenchServer(String transport, String dir) {
        Endpoint where = new Endpoint(transport, "uds".equals(transport) || "tls".equals(transport) ? dir : null, 0);
        ipc = Ipc.create(where.serverConfig());
        server = where.serve(ipc);
        server.on("ping", (data, socket) -> {
            pings++;
            socket.emit("pong", data);
        });
        server.on("begin", this::begin);
        server.on("msg", this::msg);
        server.on("error", (data, socket) -> System.err.println("[bench server] error: " + data.asText()));
        server.start();
        endpoint = where.uds() ? where
                : new Endpoint(transport, where.dir(), ((InetSocketAddress) server.address()).getPort());
    }

    private void begin(Message data, IpcSocket socket) {
        target = Long.parseLong(data.asText().trim());
        count = 0;
        if (target == 0) {
            socket.emit("done", 0L);
        }
    }

    private void msg(Message data, IpcSocket socket) {
        totalMsgs++;
        if (++count == target) {
            socket.emit("done", count);
        }
    }

    /** @return the jipc server */
    IpcServer server() {
        return server;
    }

    /** @return where the server listens */
    Endpoint endpoint() {
        return endpoint;
    }

    /** @return a one-line summary of what the server handled (read after {@link #close()}) */
    String stats() {
        return "pings=" + pings + " msgs=" + totalMsgs;
    }

    @Override
    public void close() {
        ipc.close();
    }

    /**
     * Child-process entry: serves, prints {@link Endpoint#readyLine()} on stdout, then runs until stdin is closed
     * (the parent closes it when done, or dies).
     *
     * @param transport one of {@link Endpoint#TRANSPORTS}
     * @param dir socket directory for uds, certificate directory for tls
     * @throws Exception on I/O failure
     */
    static void runChild(String transport, String dir) throws Exception {
        if ("uds".equals(transport) && !dir.endsWith("/")) {
            dir = Path.of(dir) + "/";
        }
        BenchServer s = new BenchServer(transport, dir);
        System.out.println(s.endpoint().readyLine());
        System.out.flush();
        byte[] sink = new byte[256];
        while (System.in.read(sink) >= 0) {
            // wait for EOF
        }
        s.close();
        System.err.println("[bench server] " + s.stats());
    }
}
