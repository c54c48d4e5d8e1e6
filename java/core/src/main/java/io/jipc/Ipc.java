package io.jipc;

import io.jipc.internal.IpcRuntime;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The entry point: one node-ipc instance ({@code new ipc.IPC()}) with its own config, at most one server and any
 * number of clients, all served by one I/O thread.
 *
 * <pre>{@code
 * Ipc ipc = Ipc.create(IpcConfig.defaults().id("world"));
 * IpcServer server = ipc.serve();                       // /tmp/app.world
 * server.on("message", (data, socket) -> socket.emit("message", data.asText() + " world!"));
 * server.start();
 *
 * Ipc hello = Ipc.create(IpcConfig.defaults().id("hello"));
 * hello.connectTo("world", world -> {                 // runs before the first connection attempt
 *     world.on("connect", () -> world.emit("message", "hello"));
 *     world.on("message", data -> System.out.println(data.asText()));
 * });
 * }</pre>
 *
 * <p>Handlers added after {@code connectTo} returns miss the events that fired before they were added (the I/O
 * thread is already connecting); register them in the {@code setup} callback, which runs before the first attempt
 * (where node-ipc's callback runs).
 *
 * <p>Thread-safe. {@link #close()} stops the server, disconnects every client (flushing) and ends the I/O thread;
 * until then the I/O thread keeps the JVM alive, as open sockets keep a node process alive.
 */
public final class Ipc implements AutoCloseable {
    private final IpcConfig config;
    private final Map<String, IpcClient> clients = new ConcurrentHashMap<>();
    private final IpcRuntime runtime;
    private volatile IpcServer server;

    private Ipc(IpcConfig config, io.jipc.internal.codec.Codecs codecs) {
        this.config = config;
        this.runtime = new IpcRuntime(config, clients::remove, codecs);
    }

    /**
     * Makes an instance that speaks the given codecs (tests register a codec of their own this way).
     *
     * @param config the configuration; a private copy is taken
     * @param codecs the codecs
     * @return a new instance
     */
    static Ipc create(IpcConfig config, io.jipc.internal.codec.Codecs codecs) {
        return new Ipc(Objects.requireNonNull(config, "config").copy().validate(), Objects.requireNonNull(codecs));
    }

    /**
     * Makes an instance.
     *
     * @param config the configuration; a private copy is taken
     * @return a new instance
     * @throws IllegalArgumentException naming the option when a config value is invalid
     */
    public static Ipc create(IpcConfig config) {
        return new Ipc(Objects.requireNonNull(config, "config").copy().validate(),
                io.jipc.internal.codec.Codecs.builtIn());
    }

    /**
     * Says which transport an instance made with this transport setting would run on in this JVM (the
     * {@code jipc.transport} system property overrides it, as for {@link #create}), why, and whether the native
     * transport is available. Starts nothing.
     *
     * @param configured the {@link IpcConfig#transport} value to decide for
     * @return the decision and what it was based on
     * @throws IpcException {@code EINVAL} when {@code jipc.transport} is not auto, nio or native; {@code ENOTSUP} when
     *     native is asked for but unavailable (the message says why)
     */
    public static TransportInfo transportInfo(Transport configured) {
        io.jipc.internal.TransportSelection choice = io.jipc.internal.TransportSelection.choose(
                Objects.requireNonNull(configured, "configured"));
        return new TransportInfo(choice.kind(), choice.reason(), io.jipc.internal.TransportSelection.nativeAvailable(),
                io.jipc.internal.TransportSelection.nativeUnavailabilityCause(),
                io.jipc.internal.transport.Platform.current());
    }

    /** @return a new instance with node-ipc's defaults */
    public static Ipc create() {
        return create(IpcConfig.defaults());
    }

    /** @return a copy of this instance's configuration */
    public IpcConfig config() {
        return config.copy();
    }

    /**
     * Makes the Unix socket server at {@code socketRoot + appspace + id}: node-ipc's {@code ipc.serve()}.
     * Nothing listens until {@link IpcServer#start()}.
     *
     * @return the server, also available as {@link #server()}
     */
    public IpcServer serve() {
        return serve(defaultPath(config.id()));
    }

    /**
     * Makes a Unix socket server at a path: node-ipc's {@code ipc.serve(path)}.
     *
     * @param path the socket file path; on Linux with the native transport, {@code @name} is a socket in the abstract
     *     namespace (no file, no modes; the NIO transport refuses it with {@code ENOTSUP})
     * @return the server
     * @throws IpcException ({@code ESTATE}) when this instance already has a listening server
     */
    public IpcServer serve(String path) {
        return install(runtime.newServer(UnixDomainSocketAddress.of(path)));
    }

    /**
     * Makes a TCP server on networkHost:networkPort: node-ipc's {@code ipc.serveNet()}.
     *
     * @return the server
     */
    public IpcServer serveNet() {
        return serveNet(config.networkHost(), config.networkPort());
    }

    /**
     * Makes a TCP server on networkHost and a port: node-ipc's {@code ipc.serveNet(port)}.
     *
     * @param port the port (0: the OS chooses; see {@link IpcServer#address()})
     * @return the server
     */
    public IpcServer serveNet(int port) {
        return serveNet(config.networkHost(), port);
    }

    /**
     * Makes a TCP server: node-ipc's {@code ipc.serveNet(host, port)}.
     *
     * @param host host name or address to bind
     * @param port the port (0: the OS chooses)
     * @return the server
     */
    public IpcServer serveNet(String host, int port) {
        checkPort(port);
        return install(runtime.newServer(new InetSocketAddress(host, port)));
    }

    /**
     * Makes a UDP server on networkHost:networkPort: node-ipc's {@code ipc.serveNet('udp4')}.
     *
     * @param type UDP4 or UDP6
     * @return the server
     * @see #serveNet(String, int, UdpType)
     */
    public IpcServer serveNet(UdpType type) {
        return serveNet(config.networkHost(), config.networkPort(), type);
    }

    /**
     * Makes a UDP server on networkHost and a port: node-ipc's {@code ipc.serveNet(port, 'udp4')}.
     *
     * @param port the port (0: the OS chooses)
     * @param type UDP4 or UDP6
     * @return the server
     * @see #serveNet(String, int, UdpType)
     */
    public IpcServer serveNet(int port, UdpType type) {
        return serveNet(config.networkHost(), port, type);
    }

    /**
     * Makes a UDP server: node-ipc's {@code ipc.serveNet(host, port, 'udp4' | 'udp6')}. There are no connections:
     * {@link IpcServer#start()} binds a datagram socket, fires {@code start} and then {@code connect} (with no
     * socket, as node-ipc does once listening). Each datagram carries whole frames; every frame is an event whose
     * socket is the sender ({@link IpcSocket#remoteAddress()}), and {@code socket.emit} sends one datagram back from
     * this server's port. {@link IpcServer#emit(InetSocketAddress, String, Object)} sends to any address (node-ipc's
     * {@code server.emit({address, port}, ...)}), which is how two UDP servers talk. {@link IpcServer#broadcast}
     * sends to every peer heard from (node-ipc 14; 9.x sends nothing). There is no {@code socket.disconnected}.
     *
     * @param host host name or address to bind; for UDP4 an IPv6 loopback host binds 127.0.0.1, as in node-ipc
     * @param port the port (0: the OS chooses; see {@link IpcServer#address()})
     * @param type UDP4 or UDP6
     * @return the server
     */
    public IpcServer serveNet(String host, int port, UdpType type) {
        checkPort(port);
        Objects.requireNonNull(host, "host");
        return install(runtime.newUdpServer(host, port, Objects.requireNonNull(type, "type")));
    }

    private synchronized IpcServer install(IpcServer made) {
        IpcServer current = server;
        if (current != null && current.isListening()) {
            throw new IpcException(IpcException.ESTATE,
                    "serve: this Ipc already has a listening server at " + current.address()
                    + " (stop it first, or use another Ipc instance)");
        }
        server = made;
        return made;
    }

    /**
     * Connects to the Unix socket server with that id at {@code socketRoot + appspace + id}: node-ipc's
     * {@code ipc.connectTo(id)}. Returns at once; listen for {@code connect}. If a client with this id exists and is
     * not destroyed, that client is returned.
     *
     * @param id the server's id; also the key for {@link #of(String)}
     * @return the client
     */
    public IpcClient connectTo(String id) {
        return connectTo(id, defaultPath(id), null);
    }

    /**
     * Like {@link #connectTo(String)}, running {@code setup} (typically {@code on(...)} calls) before the first
     * connection attempt, so no event is missed: node-ipc's {@code ipc.connectTo(id, callback)}.
     *
     * @param id the server's id; also the key for {@link #of(String)}
     * @param setup called with the new client before it connects (not called when an existing client is returned)
     * @return the client
     */
    public IpcClient connectTo(String id, Consumer<IpcClient> setup) {
        return connectTo(id, defaultPath(id), setup);
    }

    /**
     * Connects to a Unix socket server at a path: node-ipc's {@code ipc.connectTo(id, path)}.
     *
     * @param id key for {@link #of(String)}
     * @param path the socket file path
     * @return the client
     */
    public IpcClient connectTo(String id, String path) {
        return connectTo(id, path, null);
    }

    /**
     * Connects to a Unix socket server at a path, running {@code setup} before the first attempt: node-ipc's
     * {@code ipc.connectTo(id, path, callback)}.
     *
     * @param id key for {@link #of(String)}
     * @param path the socket file path, or {@code @name} for the abstract namespace (as for {@link #serve(String)})
     * @param setup called with the new client before it connects, or null
     * @return the client
     */
    public IpcClient connectTo(String id, String path, Consumer<IpcClient> setup) {
        return connect(id, UnixDomainSocketAddress.of(path), setup);
    }

    /**
     * Connects over TCP to networkHost:networkPort: node-ipc's {@code ipc.connectToNet(id)}.
     *
     * @param id key for {@link #of(String)}
     * @return the client
     */
    public IpcClient connectToNet(String id) {
        return connectToNet(id, config.networkHost(), config.networkPort(), null);
    }

    /**
     * Connects over TCP to networkHost and a port: node-ipc's {@code ipc.connectToNet(id, port)}.
     *
     * @param id key for {@link #of(String)}
     * @param port the port
     * @return the client
     */
    public IpcClient connectToNet(String id, int port) {
        return connectToNet(id, config.networkHost(), port, null);
    }

    /**
     * Connects over TCP: node-ipc's {@code ipc.connectToNet(id, host, port)}.
     *
     * @param id key for {@link #of(String)}
     * @param host host name or address
     * @param port the port
     * @return the client
     */
    public IpcClient connectToNet(String id, String host, int port) {
        return connectToNet(id, host, port, null);
    }

    /**
     * Connects over TCP, running {@code setup} before the first attempt: node-ipc's
     * {@code ipc.connectToNet(id, host, port, callback)}.
     *
     * @param id key for {@link #of(String)}
     * @param host host name or address
     * @param port the port
     * @param setup called with the new client before it connects, or null
     * @return the client
     */
    public IpcClient connectToNet(String id, String host, int port, Consumer<IpcClient> setup) {
        checkPort(port);
        return connect(id, InetSocketAddress.createUnresolved(host, port), setup);
    }

    private IpcClient connect(String id, SocketAddress address, Consumer<IpcClient> setup) {
        Objects.requireNonNull(id, "id");
        return clients.compute(id, (k, existing) -> existing != null && existing.state() != ConnectionState.DESTROYED
                ? existing : runtime.newClient(id, address, setup));
    }

    /**
     * Disconnects and forgets the client with that id, after flushing: node-ipc's {@code ipc.disconnect(id)}.
     *
     * @param id the client's id
     * @return completes once closed (at once if there is no such client)
     */
    public CompletionStage<Void> disconnect(String id) {
        IpcClient client = clients.remove(id);
        return client == null ? CompletableFuture.completedFuture(null) : client.disconnect();
    }

    /**
     * The client with that id: node-ipc's {@code ipc.of[id]}.
     *
     * @param id the id passed to connectTo / connectToNet
     * @return the client
     * @throws IpcException ({@code ESTATE}) when there is none (never connected, disconnected, or destroyed)
     */
    public IpcClient of(String id) {
        IpcClient client = clients.get(id);
        if (client == null) {
            throw new IpcException(IpcException.ESTATE,
                    "of(\"" + id + "\"): no client with that id (call connectTo first; "
                    + "clients are removed on disconnect and destroy)");
        }
        return client;
    }

    /** @return the ids of the current clients ({@code Object.keys(ipc.of)}) */
    public java.util.Set<String> clientIds() {
        return java.util.Set.copyOf(clients.keySet());
    }

    /**
     * The server made by the last serve or serveNet: node-ipc's {@code ipc.server}.
     *
     * @return the server
     * @throws IpcException ({@code ESTATE}) when no server was made
     */
    public IpcServer server() {
        IpcServer s = server;
        if (s == null) {
            throw new IpcException(IpcException.ESTATE, "server(): call serve() or serveNet() first");
        }
        return s;
    }

    /**
     * Stops the server, disconnects every client (flushing each, bounded by flushTimeout) and ends the I/O thread.
     * Waits for all of it, except when called from a handler (on the I/O thread), where it only starts it.
     */
    @Override
    public void close() {
        IpcServer s = server;
        if (s != null) {
            s.stop();
        }
        CompletableFuture<?>[] pending = clients.values().stream()
                .map(c -> c.disconnect().toCompletableFuture()).toArray(CompletableFuture[]::new);
        clients.clear();
        if (!runtime.inLoop()) { // on the I/O thread (a handler called close) waiting would deadlock
            try {
                CompletableFuture.allOf(pending).join();
            } catch (RuntimeException ignored) {
                // each failure was already reported as an error event; closing goes on
            }
        }
        runtime.close();
    }

    private String defaultPath(String id) {
        return config.socketRoot() + config.appspace() + id;
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 0..65535");
        }
    }
}
