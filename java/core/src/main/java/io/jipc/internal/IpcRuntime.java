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
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jipc.internal.codec.Codec;
import io.jipc.internal.codec.JsonFrameDecoder;
import io.jipc.internal.codec.ProtoCodec;
import io.jipc.proto.v1.Envelope;
import io.jipc.internal.codec.JsonFrameEncoder;
import io.jipc.internal.codec.RawJson;
import io.jipc.internal.transport.IoLoop;
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

    /**
     * {@link #RESERVED} membership with the last answer remembered: a decoder hands out one String per event type, so
     * a stream of one type costs a reference compare per frame. One per connection, used by its I/O thread only.
     */
    static final class ReservedCheck {
        private String last;
        private boolean reserved;

        boolean test(String type) {
            if (type != last) {
                reserved = RESERVED.contains(type);
                last = type;
            }
            return reserved;
        }
    }

    private static final System.Logger LOG = System.getLogger("io.jipc");
    /**
     * Deepest nesting of JSON arrays and objects accepted in a frame from a peer (Jackson's {@code maxNestingDepth}):
     * the envelope object, then {@link ProtoCodec#MAX_DATA_DEPTH} levels inside its data, the limit of both codecs.
     */
    static final int MAX_NESTING_DEPTH = 1 + ProtoCodec.MAX_DATA_DEPTH;
    /** Longest JSON number, in characters, accepted from a peer (Jackson's {@code maxNumberLength}). */
    static final int MAX_NUMBER_LENGTH = 1000;

    final IpcConfig config;
    final ObjectMapper mapper;
    final JsonFactory factory;
    final byte[] delimiter;
    final Charset rawCharset;
    final JsonFrameEncoder encoder;
    private final BiConsumer<String, IpcClient> forget;
    private IoLoop transport;
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
     * {@value #MAX_NUMBER_LENGTH} characters, string length {@link #maxStringLength} (base64 of a whole frame).
     * Document length and token count stay unlimited: maxFrameBytes already bounds a frame.
     *
     * @param config the validated config
     * @return the constraints for this instance's parsers
     */
    static StreamReadConstraints readConstraints(IpcConfig config) {
        return StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH).maxStringLength(maxStringLength(config.maxFrameBytes())).build();
    }

    /**
     * @param maxFrameBytes the frame limit
     * @return the longest JSON string read: a frame's bytes shown as a base64 string (opaque data, or a typed payload
     *     of a class unknown here, in {@code json()} or relayed to JSON peers) take 4/3 of their size
     */
    static int maxStringLength(int maxFrameBytes) {
        return (int) Math.min(Integer.MAX_VALUE, ((long) maxFrameBytes + 2) / 3 * 4);
    }

    /** @return the I/O transport, started on first use */
    synchronized IoLoop transport() {
        if (closed) {
            throw new IpcException(IpcException.ESTATE, "this Ipc is closed");
        }
        if (transport == null) {
            TransportSelection choice = TransportSelection.choose(config.transport());
            transport = choice.start("jipc-io-" + config.id(), config.silent(), config.busyPoll().toNanos());
            if (!config.silent() && TransportSelection.firstAnnouncement()) {
                log(System.Logger.Level.INFO, "jipc transport: " + choice); // once per JVM
            }
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
        IoLoop t;
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

    /** @return the decoder of an accepted connection for the configured wire mode (null in rawBuffer mode) */
    io.jipc.internal.codec.FrameDecoder newServerDecoder() {
        if (config.rawBuffer()) {
            return null;
        }
        switch (config.wire()) {
            case JSON:
                return newDecoder();
            case PROTO:
                return new io.jipc.internal.codec.ProtoFrameDecoder(config.maxFrameBytes(), true);
            default:
                return new io.jipc.internal.codec.AutoFrameDecoder(this::newDecoder, config.maxFrameBytes());
        }
    }

    /** @return the codec a client (or a UDP server, towards peers not heard from) speaks */
    Codec clientCodec() {
        return config.wire() == io.jipc.Wire.PROTO && !config.rawBuffer() ? Codec.PROTO : Codec.JSON;
    }

    /** Reads a JSON-mode "error" value's code and message. */
    String[] errorOf(byte[] json) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = mapper.readTree(json);
            String code = n.path("code").asText("");
            return new String[] {code.isEmpty() ? IpcException.EREMOTE : code, n.path("message").asText("")};
        } catch (java.io.IOException e) {
            return new String[] {IpcException.EREMOTE, "unreadable error: " + new String(json, StandardCharsets.UTF_8)};
        }
    }

    /** Encodes an emit as the bytes to write: a JSON frame, or in rawBuffer mode the type as text. */
    ByteBuffer encode(String type, Object data) {
        if (type == null) {
            throw new IpcException(IpcException.EDATA, "emit: type must not be null");
        }
        if (config.rawBuffer()) {
            return ByteBuffer.wrap(type.getBytes(rawCharset));
        }
        requireType(type);
        Object wire = data;
        if (data instanceof JsonMessage) {
            JsonMessage m = (JsonMessage) data;
            wire = m.isRaw() ? m.asText() : (m.jsonBytes() == null ? null : new RawJson(m.jsonBytes()));
        } else if (data instanceof com.google.protobuf.MessageOrBuilder) {
            // a protobuf message travels as its proto3 JSON form in JSON mode (Value/Struct/ListValue: plain JSON)
            Value plain = data instanceof Value ? (Value) data : data instanceof Struct
                    ? Value.newBuilder().setStructValue((Struct) data).build() : data instanceof ListValue
                    ? Value.newBuilder().setListValue((ListValue) data).build() : null;
            if (plain != null) {
                try {
                    ProtoCodec.requireCarriable(plain); // what the proto path checks (setPayload)
                } catch (IllegalArgumentException e) {
                    throw new IpcException(IpcException.EDATA, "emit '" + type + "': cannot write data as JSON: "
                            + e.getMessage(), e);
                }
            }
            if (data instanceof com.google.protobuf.Message) {
                Protos.register((com.google.protobuf.Message) data);
            }
            // plain JSON data is written directly (NaN and infinities as null, as in proto mode); other messages
            // as their proto3 JSON form
            wire = new RawJson(plain != null ? ProtoCodec.toJson(ProtoCodec.finite(plain))
                    : Protos.toJson((com.google.protobuf.MessageOrBuilder) data, factory));
        }
        try {
            return ByteBuffer.wrap(encoder.encode(type, wire));
        } catch (IllegalArgumentException e) {
            throw new IpcException(IpcException.EDATA,
                    "emit '" + type + "': cannot write data as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Encodes a message for one codec.
     *
     * @param codec the connection's codec
     * @param datagram true for a UDP datagram (proto: preamble first)
     * @param type event type
     * @param data the data, as for emit
     * @param id request id, 0 for none
     * @param re id replied to, 0 for none
     * @param errCode error code of a failed reply, or null
     * @param errMessage its message
     * @return the bytes to write
     * @throws IpcException ({@code EDATA}) when the data cannot be written
     */
    ByteBuffer encode(Codec codec, boolean datagram, String type, Object data, long id, long re, String errCode,
            String errMessage) {
        if (config.rawBuffer()) {
            return encode(type, data);
        }
        if (codec == Codec.JSON) {
            if (id == 0 && re == 0) {
                return encode(type, data);
            }
            return ByteBuffer.wrap(jsonWithKeys(type, errCode != null ? null : data, id, re, errCode, errMessage));
        }
        if (type == null) {
            throw new IpcException(IpcException.EDATA, "emit: type must not be null");
        }
        requireType(type);
        if (errCode == null) {
            byte[] simple;
            try {
                simple = ProtoCodec.simpleFrame(type, data, id, re, datagram);
            } catch (IllegalArgumentException e) {
                throw new IpcException(IpcException.EDATA, "emit '" + type + "': cannot write data as protobuf: "
                        + e.getMessage(), e);
            }
            if (simple != null) {
                return ByteBuffer.wrap(simple);
            }
            byte[] value = data instanceof JsonMessage ? ((JsonMessage) data).protoValueBytes() : null;
            if (value != null) {
                // relaying a protobuf peer's data to protobuf peers: its validated bytes, never built as a Value
                return ByteBuffer.wrap(ProtoCodec.valueFrame(type, value, id, re, datagram));
            }
        }
        Envelope.Builder b = Envelope.newBuilder().setType(type).setId(id).setRe(re);
        if (errCode != null) {
            b.setError(io.jipc.proto.v1.Error.newBuilder().setCode(errCode).setMessage(errMessage));
        } else {
            setPayload(b, type, data);
        }
        return ByteBuffer.wrap(ProtoCodec.frame(b.build(), datagram));
    }

    private static final Value EMPTY_OBJECT = Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build();

    /**
     * Refuses a type no peer accepts, in either codec ({@code proto/README.md}, sections 1 and 7): empty, or not
     * Unicode text (a lone surrogate).
     */
    private static void requireType(String type) {
        if (type.isEmpty()) {
            throw new IpcException(IpcException.EDATA, "emit: type must not be empty");
        }
        try {
            ProtoCodec.requireText(type);
        } catch (IllegalArgumentException e) {
            throw new IpcException(IpcException.EDATA, "emit: type " + e.getMessage(), e);
        }
    }

    private void setPayload(Envelope.Builder b, String type, Object data) {
        try {
            if (data == null) {
                b.setData(EMPTY_OBJECT); // node-ipc sends {} for undefined; so do we, in both codecs
            } else if (data instanceof JsonMessage) {
                JsonMessage m = (JsonMessage) data;
                if (m.typedPayload() != null) {
                    b.setTyped(m.typedPayload());
                } else if (m.opaquePayload() != null) {
                    b.setOpaque(ByteString.copyFrom(m.opaquePayload()));
                } else if (m.isRaw()) {
                    b.setData(Value.newBuilder().setStringValue(m.asText()));
                } else {
                    Value v = m.protoValue();
                    b.setData(v == null ? EMPTY_OBJECT : v);
                }
            } else if (data instanceof String) {
                b.setData(Value.newBuilder().setStringValue((String) data));
            } else if (data instanceof Boolean) {
                b.setData(Value.newBuilder().setBoolValue((Boolean) data));
            } else if (data instanceof Number && !(data instanceof java.math.BigDecimal)) {
                b.setData(ProtoCodec.number(((Number) data).doubleValue()));
            } else if (data instanceof Value) {
                b.setData((Value) data);
            } else if (data instanceof Struct) {
                b.setData(Value.newBuilder().setStructValue((Struct) data));
            } else if (data instanceof ListValue) {
                b.setData(Value.newBuilder().setListValue((ListValue) data));
            } else if (data instanceof com.google.protobuf.Message
                    || data instanceof com.google.protobuf.Message.Builder) {
                com.google.protobuf.Message m = data instanceof com.google.protobuf.Message.Builder
                        ? ((com.google.protobuf.Message.Builder) data).build() : (com.google.protobuf.Message) data;
                Protos.register(m);
                b.setTyped(Any.pack(m));
            } else if (data instanceof byte[]) {
                b.setOpaque(ByteString.copyFrom((byte[]) data));
            } else if (data instanceof com.fasterxml.jackson.databind.JsonNode) {
                b.setData(ProtoCodec.toValue((com.fasterxml.jackson.databind.JsonNode) data));
            } else {
                b.setData(ProtoCodec.toValue(mapper.valueToTree(data)));
            }
            if (b.hasData() && !(data instanceof JsonMessage)) { // a received message's data was checked on receipt
                ProtoCodec.requireCarriable(b.getData());
                b.setData(ProtoCodec.finite(b.getData())); // NaN and infinities go out as null, as in JSON mode
            }
        } catch (IllegalArgumentException e) {
            throw new IpcException(IpcException.EDATA,
                    "emit '" + type + "': cannot write data as protobuf: " + e.getMessage(), e);
        }
    }

    private static final byte[] ID_KEY = ",\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RE_KEY = ",\"re\":".getBytes(StandardCharsets.US_ASCII);

    /** A JSON frame with jipc's request/response keys after type and data ({@code proto/README.md}, JSON mode). */
    private byte[] jsonWithKeys(String type, Object data, long id, long re, String errCode, String errMessage) {
        byte[] plain = encode(type, errCode != null ? null : data).array();
        int close = plain.length - delimiter.length - 1; // the envelope's closing brace
        byte[] head = plain;
        int headLen = close;
        if (errCode != null) {
            // a failed reply has no data: drop the ,"data":{} the encoder wrote for null
            byte[] dataKey = ",\"data\":{}".getBytes(StandardCharsets.US_ASCII);
            headLen = close - dataKey.length;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(plain.length + 64);
        out.write(head, 0, headLen);
        if (id != 0) {
            out.writeBytes(ID_KEY);
            out.writeBytes(Long.toString(id).getBytes(StandardCharsets.US_ASCII));
        }
        if (re != 0) {
            out.writeBytes(RE_KEY);
            out.writeBytes(Long.toString(re).getBytes(StandardCharsets.US_ASCII));
        }
        if (errCode != null) {
            java.util.Map<String, String> err = new java.util.LinkedHashMap<>();
            err.put("code", errCode);
            err.put("message", errMessage);
            byte[] e = encoder.encode("x", err);
            // {"type":"x","data":{...}}<delim> : take the data value
            int from = "{\"type\":\"x\",\"data\":".length();
            out.writeBytes(",\"error\":".getBytes(StandardCharsets.US_ASCII));
            out.write(e, from, e.length - delimiter.length - 1 - from);
        }
        out.write('}');
        out.writeBytes(delimiter);
        return out.toByteArray();
    }

    static <T> CompletionStage<T> failed(IpcException e) {
        return CompletableFuture.failedFuture(e);
    }

    Message errorMessage(IpcException e) {
        return JsonMessage.ofError(e, mapper);
    }

    /**
     * Maps a socket failure to an IpcException with an OS-style code and a message naming the operation. The code
     * comes from the errno or the exception's type ({@link OsErrors}), never from the OS's (localized) text.
     */
    IpcException osError(String op, SocketAddress address, Throwable cause) {
        if (cause instanceof IpcException) {
            return (IpcException) cause;
        }
        String msg = String.valueOf(cause.getMessage());
        String peer = describe(address);
        String where = peer.isEmpty() ? op : op + " " + peer;
        // listen and stop make and remove a socket file: name the directory, which is what is missing or refuses
        Path dir = (op.startsWith("listen") || op.startsWith("stop")) && address instanceof UnixDomainSocketAddress
                ? ((UnixDomainSocketAddress) address).getPath().toAbsolutePath().getParent() : null;
        // socketRoot is named only for a path of node-ipc's shape socketRoot + appspace + id (made from an id), not
        // for an explicit path elsewhere
        String prefix = config.socketRoot() + config.appspace();
        String root = address instanceof UnixDomainSocketAddress && peer.startsWith(prefix)
                && peer.indexOf('/', prefix.length()) < 0 && peer.length() > prefix.length()
                ? "socketRoot=" + config.socketRoot() : null;
        String code = OsErrors.codeOf(op, address, cause);
        if (code == null) {
            return new IpcException(IpcException.EIO, where + ": " + msg, cause);
        }
        switch (code) {
            case IpcException.ENOENT:
                return new IpcException(code, dir != null
                        ? where + ": the directory " + dir + " does not exist (removed?"
                                + (root == null ? ")" : " " + root + ")")
                        : where + ": no such socket (is the server started?" + (root == null ? ")" : " " + root + ")"),
                        cause);
            case IpcException.EPERM:
                return new IpcException(code, where + ": operation not permitted"
                        + (dir == null ? "" : " (cannot change the directory " + dir + ": immutable?)"), cause);
            case IpcException.EROFS:
                return new IpcException(code, where + ": read-only file system", cause);
            case IpcException.ECONNREFUSED:
                return new IpcException(code, where + ": connection refused (is the server started?)", cause);
            case IpcException.EACCES:
                return new IpcException(code, where + ": permission denied"
                        + (dir == null ? "" : " (cannot change the directory " + dir + ")"), cause);
            case IpcException.EADDRINUSE:
                return new IpcException(code, where + ": address already in use", cause);
            case IpcException.EPIPE:
                return new IpcException(code, where + ": broken pipe (the peer closed the connection)", cause);
            case IpcException.EAGAIN:
                return new IpcException(code, where + ": resource temporarily unavailable"
                        + (address instanceof UnixDomainSocketAddress && op.startsWith("connect")
                                ? " (the server's listen backlog is full)" : ""), cause);
            case IpcException.EMFILE:
                return new IpcException(code, where + ": too many open files (the descriptor limit, ulimit -n, "
                        + "is reached)", cause);
            case IpcException.ECONNRESET:
                return new IpcException(code, where + ": connection reset by peer", cause);
            case IpcException.ETIMEDOUT:
                return new IpcException(code, where + ": connection timed out (the peer stopped answering)", cause);
            case IpcException.ENETUNREACH:
                return new IpcException(code, where + ": network is unreachable", cause);
            case IpcException.ENOTFOUND:
                return new IpcException(code, where + ": unknown host " + msg, cause);
            default:
                return new IpcException(code, where + ": " + msg, cause);
        }
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
        Object[] any = "*".equals(type) ? Handlers.NONE : handlers.any();
        if (list.length == 0 && any.length == 0) {
            if ("error".equals(type)) {
                logUnhandled(msg);
            }
            noHandler(type, msg);
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
            handlerThrew(msg, e);
            IpcException err = handlerFailed(type, e);
            if (err != null) {
                fireClient(handlers, "error", errorMessage(err));
            }
        }
    }

    /** Runs the server handlers of a type, then the catch-all {@code "*"} handlers, with a message and socket. */
    void fireServer(Handlers handlers, String type, Message msg, IpcSocket socket) {
        Object[] list = handlers.get(type);
        Object[] any = "*".equals(type) ? Handlers.NONE : handlers.any();
        if (list.length == 0 && any.length == 0) {
            if ("error".equals(type)) {
                logUnhandled(msg);
            }
            noHandler(type, msg);
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
            handlerThrew(msg, e);
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
        return new IpcException(IpcException.EHANDLER, "handler for '" + type + "' threw " + e, e);
    }

    /** A request nobody handles is answered with ENOHANDLER rather than left to time out. */
    private static void noHandler(String type, Message msg) {
        if (msg.isRequest()) {
            msg.replyError(IpcException.ENOHANDLER, "no handler for '" + type + "'");
        }
    }

    /**
     * A request whose handler threw before answering is answered with EHANDLER. The remote peer gets an
     * application-level sentence, not the exception's class and text (those go to this side's 'error' event).
     */
    private static void handlerThrew(Message msg, Throwable e) {
        if (msg instanceof JsonMessage && msg.isRequest() && !((JsonMessage) msg).replied()) {
            msg.replyError(IpcException.EHANDLER, "the handler for '" + msg.type() + "' failed before replying");
        }
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
