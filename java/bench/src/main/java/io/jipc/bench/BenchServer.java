package io.jipc.bench;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;
import io.jipc.IpcSocket;
import io.jipc.Message;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The benchmark server: one {@link Ipc} serving either a Unix socket under a fresh socketRoot or TCP on
 * 127.0.0.1:0, with handlers for both benchmarks.
 *
 * <ul>
 *   <li>{@code ping}: echoed back to the sender as {@code pong}, relaying the received {@link Message} (its bytes go
 *       out as they came, no re-encoding);
 *   <li>{@code begin} (data: N): starts a stream run of N messages;
 *   <li>{@code msg}: counted; when the count reaches N the server emits {@code done} (data: the count).
 * </ul>
 *
 * <p>Handlers run on the I/O thread, so the stream state needs no synchronisation.
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
     * @param transport "uds" or "tcp"
     * @param socketRoot for UDS: directory for the socket file, ending in '/'; ignored for TCP
     */
    BenchServer(String transport, String socketRoot) {
        IpcConfig cfg = IpcConfig.defaults().id(Endpoint.SERVER_ID).flushTimeout(Duration.ofSeconds(30));
        if ("uds".equals(transport)) {
            cfg.socketRoot(socketRoot);
        }
        ipc = Ipc.create(cfg);
        server = "uds".equals(transport) ? ipc.serve() : ipc.serveNet(Endpoint.HOST, 0);
        server.on("ping", (data, socket) -> {
            pings++;
            socket.emit("pong", data);
        });
        server.on("begin", this::begin);
        server.on("msg", this::msg);
        server.on("error", (data, socket) -> System.err.println("[bench server] error: " + data.asText()));
        server.start();
        endpoint = "uds".equals(transport) ? new Endpoint("uds", socketRoot, 0)
                : new Endpoint("tcp", null, ((InetSocketAddress) server.address()).getPort());
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
     * @param transport "uds" or "tcp"
     * @param socketRoot socket directory for UDS
     * @throws Exception on I/O failure
     */
    static void runChild(String transport, String socketRoot) throws Exception {
        if ("uds".equals(transport) && !socketRoot.endsWith("/")) {
            socketRoot = Path.of(socketRoot) + "/";
        }
        BenchServer s = new BenchServer(transport, socketRoot);
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
