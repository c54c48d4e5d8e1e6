package io.jipc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.ClientHandler;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import io.jipc.IpcSocket;
import io.jipc.Message;
import io.jipc.ServerHandler;
import io.jipc.SignalHandler;
import io.jipc.internal.codec.JsonFrameDecoder;
import io.jipc.internal.codec.JsonFrameEncoder;
import io.jipc.internal.codec.RawJson;
import io.jipc.internal.transport.NioTransport;
import io.jipc.internal.transport.Transport;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * What one {@code Ipc} instance shares between its server and clients: the config, the I/O thread (started on first
 * use), the codec, and event dispatch.
 */
public final class IpcRuntime {
    /** Built-in event names a peer may not send unless allowReservedEvents is set. */
    static final Set<String> RESERVED = Set.of("connect", "disconnect", "socket.disconnected", "destroy", "error",
            "data", "start", "close");

    private static final System.Logger LOG = System.getLogger("io.jipc");
    /** Deepest nesting of JSON arrays and objects accepted from a peer (Jackson's {@code maxNestingDepth}). */
    static final int MAX_NESTING_DEPTH = 1000;
    /** Longest JSON number, in characters, accepted from a peer (Jackson's {@code maxNumberLength}). */
    static final int MAX_NUMBER_LENGTH = 1000;

    final IpcConfig config;
    final ObjectMapper mapper;
    final JsonFactory factory;
    final byte[] delimiter;
    final Charset rawCharset;
    final JsonFrameEncoder encoder;
    private final BiConsumer<String, IpcClient> forget;
    private Transport transport;
    private boolean closed;
    private io.jipc.internal.tls.TlsSetup tls;

    /**
     * @param config a validated private copy of the config
     * @param forget called when a client is destroyed, to drop it from {@code ipc.of}
     */
    public IpcRuntime(IpcConfig config, BiConsumer<String, IpcClient> forget) {
        this.config = config;
        this.forget = forget;
        this.delimiter = config.delimiter().getBytes(StandardCharsets.UTF_8);
        this.rawCharset = NodeEncoding.charset(config.encoding());
        this.mapper = new ObjectMapper(JsonFactory.builder().streamReadConstraints(readConstraints(config)).build());
        this.factory = mapper.getFactory();
        this.encoder = new JsonFrameEncoder(delimiter, mapper);
    }

    /**
     * The limits every JSON text read from a peer is held to, set deliberately rather than left to Jackson's
     * defaults (which change between versions): nesting depth {@value #MAX_NESTING_DEPTH}, number length
     * {@value #MAX_NUMBER_LENGTH} characters, string length maxFrameBytes (a longer string cannot fit in a frame).
     * Document length and token count stay unlimited: maxFrameBytes already bounds a frame.
     *
     * @param config the validated config
     * @return the constraints for this instance's parsers
     */
    static StreamReadConstraints readConstraints(IpcConfig config) {
        return StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH).maxStringLength(config.maxFrameBytes()).build();
    }

    /** @return the I/O transport, started on first use */
    synchronized Transport transport() {
        if (closed) {
            throw new IpcException("ESTATE", "this Ipc is closed");
        }
        if (transport == null) {
            transport = NioTransport.start("jipc-io-" + config.id(), config.silent());
        }
        return transport;
    }

    /**
     * @return the TLS context made from {@code config.tls} (read once, on first use), or null when tls is not set
     * @throws IpcException ({@code ETLSCONFIG}) when a key or certificate file cannot be used
     */
    synchronized io.jipc.internal.tls.TlsSetup tls() {
        if (config.tls() == null) {
            return null;
        }
        if (tls == null) {
            tls = io.jipc.internal.tls.TlsSetup.of(config.tls(), text -> log(System.Logger.Level.INFO, text));
        }
        return tls;
    }

    /**
     * @param address where to listen
     * @return a new, not yet started server
     */
    public IpcServer newServer(SocketAddress address) {
        return new ServerImpl(this, address);
    }

    /**
     * @param host host to bind
     * @param port port to bind (0: any)
     * @param type UDP4 or UDP6
     * @return a new, not yet started UDP server
     */
    public IpcServer newUdpServer(String host, int port, io.jipc.UdpType type) {
        return new UdpServerImpl(this, host, port, type);
    }

    /**
     * @param id the client's id
     * @param address the server's address
     * @param setup run with the client before it connects, or null
     * @return a new client, already connecting
     */
    public IpcClient newClient(String id, SocketAddress address, java.util.function.Consumer<IpcClient> setup) {
        ClientImpl c = new ClientImpl(this, id, address);
        if (setup != null) {
            setup.accept(c);
        }
        c.start();
        return c;
    }

    void forget(String id, IpcClient client) {
        forget.accept(id, client);
    }

    /** @return true when called on this instance's I/O thread */
    public synchronized boolean inLoop() {
        return transport != null && transport.inLoop();
    }

    /** Ends the I/O thread (after the server and clients were closed). */
    public void close() {
        Transport t;
        synchronized (this) {
            closed = true;
            t = transport;
            transport = null;
        }
        if (t != null) {
            t.close();
        }
    }

    JsonFrameDecoder newDecoder() {
        return new JsonFrameDecoder(delimiter, config.maxFrameBytes(), factory);
    }

    /** Encodes an emit as the bytes to write: a JSON frame, or in rawBuffer mode the type as text. */
    ByteBuffer encode(String type, Object data) {
        if (type == null) {
            throw new IpcException("EDATA", "emit: type must not be null");
        }
        if (config.rawBuffer()) {
            return ByteBuffer.wrap(type.getBytes(rawCharset));
        }
        Object wire = data;
        if (data instanceof JsonMessage) {
            JsonMessage m = (JsonMessage) data;
            wire = m.isRaw() ? m.asText() : (m.jsonBytes() == null ? null : new RawJson(m.jsonBytes()));
        }
        try {
            return ByteBuffer.wrap(encoder.encode(type, wire));
        } catch (IllegalArgumentException e) {
            throw new IpcException("EDATA", "emit '" + type + "': cannot write data as JSON: " + e.getMessage(), e);
        }
    }

    static <T> CompletionStage<T> failed(IpcException e) {
        return CompletableFuture.failedFuture(e);
    }

    Message errorMessage(IpcException e) {
        return JsonMessage.ofError(e, mapper);
    }

    /** Maps a socket failure to an IpcException with an OS-style code and a message naming the operation. */
    IpcException osError(String op, SocketAddress address, Throwable cause) {
        if (cause instanceof IpcException) {
            return (IpcException) cause;
        }
        String msg = String.valueOf(cause.getMessage());
        String lower = msg.toLowerCase(Locale.ROOT);
        String where = op + " " + describe(address);
        // listen and stop make and remove a socket file: name the directory, which is what is missing or refuses
        Path dir = (op.startsWith("listen") || op.startsWith("stop")) && address instanceof UnixDomainSocketAddress
                ? ((UnixDomainSocketAddress) address).getPath().toAbsolutePath().getParent() : null;
        if (dir != null && (cause instanceof NoSuchFileException || lower.contains("no such file"))) {
            return new IpcException("ENOENT", where + ": the directory " + dir + " does not exist (removed? "
                    + "socketRoot=" + config.socketRoot() + ")", cause);
        }
        if (lower.contains("operation not permitted")) {
            return new IpcException("EPERM", where + ": operation not permitted"
                    + (dir == null ? "" : " (cannot change the directory " + dir + ": immutable?)"), cause);
        }
        if (lower.contains("read-only file system")) {
            return new IpcException("EROFS", where + ": read-only file system", cause);
        }
        if (cause instanceof NoSuchFileException || lower.contains("no such file")) {
            boolean underRoot = describe(address).startsWith(config.socketRoot());
            return new IpcException("ENOENT", where + ": no such socket (is the server started?"
                    + (underRoot ? " socketRoot=" + config.socketRoot() + ")" : ")"), cause);
        }
        if (cause instanceof ConnectException && lower.contains("refused")) {
            return new IpcException("ECONNREFUSED", where + ": connection refused (is the server started?)", cause);
        }
        if (cause instanceof AccessDeniedException || lower.contains("permission denied")) {
            return new IpcException("EACCES", where + ": permission denied"
                    + (dir == null ? "" : " (cannot change the directory " + dir + ")"), cause);
        }
        if (lower.contains("address already in use")) {
            return new IpcException("EADDRINUSE", where + ": address already in use", cause);
        }
        if (lower.contains("broken pipe")) {
            return new IpcException("EPIPE", where + ": broken pipe (the peer closed the connection)", cause);
        }
        if (lower.contains("too many open files")) {
            return new IpcException("EMFILE", where + ": too many open files (the descriptor limit, ulimit -n, "
                    + "is reached)", cause);
        }
        if (lower.contains("reset")) {
            return new IpcException("ECONNRESET", where + ": connection reset by peer", cause);
        }
        if (lower.contains("timed out")) {
            return new IpcException("ETIMEDOUT", where + ": connection timed out (the peer stopped answering)", cause);
        }
        if (lower.contains("network is unreachable")) {
            return new IpcException("ENETUNREACH", where + ": network is unreachable", cause);
        }
        if (cause instanceof NoRouteToHostException || lower.contains("no route to host")) {
            return new IpcException("EHOSTUNREACH", where + ": " + msg, cause);
        }
        if (cause instanceof java.net.UnknownHostException) {
            return new IpcException("ENOTFOUND", where + ": unknown host " + msg, cause);
        }
        return new IpcException("EIO", where + ": " + msg, cause);
    }

    static String describe(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return ((UnixDomainSocketAddress) address).getPath().toString();
        }
        if (address instanceof java.net.InetSocketAddress) {
            java.net.InetSocketAddress inet = (java.net.InetSocketAddress) address;
            String host = inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /** Runs the client handlers of a type, then the catch-all {@code "*"} handlers, with a message. */
    void fireClient(Handlers handlers, String type, Message msg) {
        Object[] list = handlers.get(type);
        Object[] any = "*".equals(type) ? Handlers.NONE : handlers.get("*");
        if (list.length == 0 && any.length == 0) {
            if ("error".equals(type)) {
                logUnhandled(msg);
            }
            return;
        }
        for (Object h : list) {
            callClient(handlers, type, h, msg);
        }
        for (Object h : any) {
            callClient(handlers, type, h, msg);
        }
    }

    private void callClient(Handlers handlers, String type, Object h, Message msg) {
        Executor executor = config.executor();
        if (executor != null) {
            executor.execute(() -> invokeClient(handlers, type, h, msg));
        } else {
            invokeClient(handlers, type, h, msg);
        }
    }

    private void invokeClient(Handlers handlers, String type, Object h, Message msg) {
        try {
            if (h instanceof ClientHandler) {
                ((ClientHandler) h).onMessage(msg);
            } else {
                ((SignalHandler) h).onSignal();
            }
        } catch (RuntimeException | Error e) {
            IpcException err = handlerFailed(type, e);
            if (err != null) {
                fireClient(handlers, "error", errorMessage(err));
            }
        }
    }

    /** Runs the server handlers of a type, then the catch-all {@code "*"} handlers, with a message and socket. */
    void fireServer(Handlers handlers, String type, Message msg, IpcSocket socket) {
        Object[] list = handlers.get(type);
        Object[] any = "*".equals(type) ? Handlers.NONE : handlers.get("*");
        if (list.length == 0 && any.length == 0) {
            if ("error".equals(type)) {
                logUnhandled(msg);
            }
            return;
        }
        for (Object h : list) {
            callServer(handlers, type, (ServerHandler) h, msg, socket);
        }
        for (Object h : any) {
            callServer(handlers, type, (ServerHandler) h, msg, socket);
        }
    }

    private void callServer(Handlers handlers, String type, ServerHandler h, Message msg, IpcSocket socket) {
        Executor executor = config.executor();
        if (executor != null) {
            executor.execute(() -> invokeServer(handlers, type, h, msg, socket));
        } else {
            invokeServer(handlers, type, h, msg, socket);
        }
    }

    private void invokeServer(Handlers handlers, String type, ServerHandler h, Message msg, IpcSocket socket) {
        try {
            h.onMessage(msg, socket);
        } catch (RuntimeException | Error e) {
            IpcException err = handlerFailed(type, e);
            if (err != null) {
                fireServer(handlers, "error", errorMessage(err), socket);
            }
        }
    }

    /** @return the error to report for a throwing handler, or null when an error handler threw (logged only) */
    private IpcException handlerFailed(String type, Throwable e) {
        if ("error".equals(type)) {
            log(System.Logger.Level.WARNING, "an 'error' handler threw: " + e);
            return null;
        }
        return new IpcException("EHANDLER", "handler for '" + type + "' threw " + e, e);
    }

    private void logUnhandled(Message msg) {
        log(System.Logger.Level.WARNING, "jipc error (no 'error' handler): "
                + msg.error().map(Throwable::getMessage).orElse(msg.asText()));
    }

    void log(System.Logger.Level level, String text) {
        if (!config.silent()) {
            LOG.log(level, text);
        }
    }
}
