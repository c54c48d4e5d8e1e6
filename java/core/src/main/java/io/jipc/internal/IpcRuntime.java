package io.jipc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import io.jipc.Message;
import io.jipc.internal.codec.CodecContext;
import io.jipc.internal.codec.Codecs;
import io.jipc.internal.codec.proto.ProtoCodec;
import io.jipc.internal.codec.WireCodec;
import io.jipc.internal.transport.IoLoop;
import java.net.SocketAddress;
import java.nio.charset.Charset;
import java.util.function.BiConsumer;

/**
 * What one {@code Ipc} instance shares between its server and clients: the config, the JSON mapper, the I/O thread
 * (started on first use) and TLS context, the frame encoder ({@link MessageEncoder}) and event dispatch
 * ({@link EventDispatcher}); it makes the servers and clients. Thread-safe.
 */
public final class IpcRuntime {
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
    final Charset rawCharset;
    final MessageEncoder encoder;
    private final Codecs codecs;
    private final CodecContext codecContext;
    private final EventDispatcher dispatcher;
    private final BiConsumer<String, IpcClient> forget;
    private IoLoop transport;
    private boolean closed;
    private io.jipc.internal.tls.TlsSetup tls;

    /**
     * @param config a validated private copy of the config
     * @param forget called when a client is destroyed, to drop it from {@code ipc.of}
     */
    public IpcRuntime(IpcConfig config, BiConsumer<String, IpcClient> forget) {
        this(config, forget, Codecs.builtIn());
    }

    /**
     * @param config a validated private copy of the config
     * @param forget called when a client is destroyed, to drop it from {@code ipc.of}
     * @param codecs the codecs this instance speaks (a test may register one more)
     */
    public IpcRuntime(IpcConfig config, BiConsumer<String, IpcClient> forget, Codecs codecs) {
        this.config = config;
        this.codecs = codecs;
        this.forget = forget;
        this.rawCharset = NodeEncoding.charset(config.encoding());
        this.mapper = new ObjectMapper(JsonFactory.builder().streamReadConstraints(readConstraints(config)).build());
        this.factory = mapper.getFactory();
        this.codecContext = new CodecContext(config, mapper);
        this.encoder = new MessageEncoder(codecContext, codecs, rawCharset);
        this.dispatcher = new EventDispatcher(config, mapper, text -> log(System.Logger.Level.WARNING, text));
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
    public synchronized IoLoop transport() {
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


    /** @return the validated config this instance was made with */
    public IpcConfig config() {
        return config;
    }

    /** @return the JSON mapper of this instance (held to {@link #readConstraints}) */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** @return the parser factory of {@link #mapper()} */
    public JsonFactory jsonFactory() {
        return factory;
    }

    /** @return the charset of rawBuffer text ({@link IpcConfig#encoding}) */
    public Charset rawCharset() {
        return rawCharset;
    }

    /** @return the codecs this instance speaks */
    public Codecs codecs() {
        return codecs;
    }

    /** @return what this instance's codecs make their decoders and encoders with */
    public CodecContext codecContext() {
        return codecContext;
    }

    /**
     * @return the codec a client (or a UDP server, towards peers not heard from) speaks: the one the wire setting
     *     names; the fallback (JSON) for AUTO and in rawBuffer mode
     */
    public WireCodec clientCodec() {
        WireCodec c = config.rawBuffer() ? null : codecs.forWire(config.wire());
        return c == null ? codecs.fallback() : c;
    }

    /** @return the encoder of outgoing frames */
    public MessageEncoder encoder() {
        return encoder;
    }

    /** @return runs the handlers of events */
    EventDispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * @param e an error to report
     * @return it as the message of an 'error' event
     */
    public Message errorMessage(IpcException e) {
        return ReceivedMessage.ofError(e, mapper);
    }

    /**
     * Maps a socket failure to an IpcException with an OS-style code and a message naming the operation
     * ({@link OsErrors#exception}).
     *
     * @param op the operation
     * @param address the socket address it was applied to, or null
     * @param cause the failure
     * @return the error to report
     */
    public IpcException osError(String op, SocketAddress address, Throwable cause) {
        return OsErrors.exception(config, op, address, cause);
    }

    /**
     * @param level the level
     * @param text what to log, unless the config is silent
     */
    public void log(System.Logger.Level level, String text) {
        if (!config.silent()) {
            LOG.log(level, text);
        }
    }
}
