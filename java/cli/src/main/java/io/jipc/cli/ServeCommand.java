package io.jipc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jipc.Ipc;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import io.jipc.IpcSocket;
import io.jipc.Message;
import io.jipc.ServerHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/**
 * {@code jipc serve ADDRESS [--echo] [--relay] [--events A,B]}: a server printing what happens on it, until
 * interrupted (SIGINT/SIGTERM through {@link Main}'s shutdown hook); closing removes the socket file.
 */
final class ServeCommand {
    /** The server's built-in events, always subscribed. */
    static final Set<String> BUILT_IN = Set.of("start", "connect", "socket.disconnected", "error", "data");

    private final Out out;
    private final boolean raw;
    private final boolean echo;
    private final boolean relay;
    private IpcServer server;
    private String transport = "tcp";

    private ServeCommand(Out out, boolean raw, boolean echo, boolean relay) {
        this.out = out;
        this.raw = raw;
        this.echo = echo;
        this.relay = relay;
    }

    static int run(Options o, Out out) {
        if (o.flag("--echo") && o.flag("--relay")) {
            throw new UsageException("--echo and --relay exclude each other: --relay already sends each event back"
                    + " to its sender (with every other socket)");
        }
        Address address = Address.from(o, true);
        Set<String> events = o.list("--events");
        ServeCommand cmd = new ServeCommand(out, o.flag("--raw"), o.flag("--echo"), o.flag("--relay"));
        Ipc ipc = Setup.create(Setup.server(o, address));
        boolean started = false;
        try {
            IpcServer server = address.serve(ipc);
            cmd.server = server;
            if (address instanceof Address.Udp) {
                cmd.transport = ((Address.Udp) address).type().name().toLowerCase(java.util.Locale.ROOT);
            }
            ServerHandler handler = cmd::onEvent;
            if (events == null) {
                // "*" runs for every event, built-in or received; the type is in Message.type()
                server.on("*", handler);
            } else {
                Set<String> types = new LinkedHashSet<>(BUILT_IN);
                types.addAll(events);
                types.forEach(type -> server.on(type, handler));
            }
            try {
                server.start();
            } catch (IpcException e) {
                throw new Failure(e.getMessage());
            }
            started = true;
            new CountDownLatch(1).await(); // serve until interrupted
            return 0;
        } catch (InterruptedException stop) {
            return 0;
        } finally {
            ipc.close();
            if (started) {
                out.event(Json.line("stop"));
            }
        }
    }

    private void onEvent(Message m, IpcSocket socket) {
        switch (m.type()) {
            case "start":
                out.event(startLine(server.address(), transport));
                break;
            case "connect":
                out.event(Json.withSocket(Json.line("connect"), socket));
                break;
            case "socket.disconnected": {
                ObjectNode line = Json.withSocket(Json.line("socket.disconnected"), socket);
                if (m.hasData()) {
                    line.set("data", Json.data(m)); // the peer's last data.id, or false
                }
                out.event(line);
                break;
            }
            case "error":
                out.event(Json.withSocket(Json.error(m), socket));
                break;
            default:
                out.event(Json.withSocket(Json.received(m, raw), socket));
                if (raw && "data".equals(m.type())) {
                    forwardRaw(m.bytes(), socket);
                } else {
                    forward(m, socket);
                }
        }
    }

    /** Echo and relay resend the received Message itself, so its bytes go out as they came. */
    private void forward(Message m, IpcSocket socket) {
        if (echo && socket != null) {
            // a request (from a jipc or protobuf peer) is answered with its own data
            report(m.isRequest() ? m.reply(m) : socket.emit(m.type(), m), socket);
        }
        if (relay) {
            // one emit per socket rather than one broadcast, so that a failure names the socket it happened on
            for (IpcSocket s : server.sockets()) {
                report(s.emit(m.type(), m), s);
            }
        }
    }

    private void forwardRaw(byte[] chunk, IpcSocket socket) {
        if (echo && socket != null) {
            report(socket.write(chunk), socket);
        }
        if (relay) {
            for (IpcSocket s : server.sockets()) {
                report(s.write(chunk), s);
            }
        }
    }

    private void report(CompletionStage<Void> sent, IpcSocket socket) {
        sent.whenComplete((ok, failure) -> {
            if (failure != null) {
                out.event(Json.withSocket(Json.error(failure), socket));
            }
        });
    }

    /**
     * @param bound the server's bound address
     * @return {@code {"event":"start","address":...}} plus {@code path}, or {@code host} and {@code port} (the real
     *     port when 0 was asked for); {@code address} can be passed back as {@code --path} or {@code --tcp}
     */
    static ObjectNode startLine(SocketAddress bound) {
        return startLine(bound, "tcp");
    }

    /**
     * @param bound the server's bound address
     * @param transport the transport name for an internet address: tcp, udp4 or udp6
     * @return the start line
     */
    static ObjectNode startLine(SocketAddress bound, String transport) {
        ObjectNode line = Json.line("start");
        if (bound instanceof UnixDomainSocketAddress) {
            String path = ((UnixDomainSocketAddress) bound).getPath().toString();
            line.put("address", path).put("transport", "unix").put("path", path);
        } else if (bound instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) bound;
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            line.put("address", Address.Tcp.hostPort(host, inet.getPort())).put("transport", transport)
                    .put("host", host).put("port", inet.getPort());
        } else {
            line.put("address", String.valueOf(bound));
        }
        return line;
    }
}
