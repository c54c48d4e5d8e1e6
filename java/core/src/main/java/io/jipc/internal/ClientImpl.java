package io.jipc.internal;

import io.jipc.ClientHandler;
import io.jipc.ConnectionState;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.SignalHandler;
import io.jipc.Message;
import io.jipc.internal.codec.Codec;
import io.jipc.internal.codec.FrameDecoder;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.ProtoFrameDecoder;
import io.jipc.proto.v1.Envelope;
import io.jipc.internal.transport.Cancellable;
import io.jipc.internal.transport.Channel;
import io.jipc.internal.transport.ChannelHandler;
import io.jipc.internal.transport.IoLoop;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * node-ipc's {@code ipc.of[id]}: connects, reconnects per retry / maxRetries / stopRetrying, decodes frames and
 * dispatches them. Connection state changes happen on the I/O thread only; {@code state} and {@code channel} are
 * volatile so other threads can read them.
 */
final class ClientImpl implements IpcClient, FrameSink, Replier {
    private final IpcRuntime rt;
    private final IpcConfig cfg;
    private final String id;
    private final SocketAddress target;
    private final Handlers handlers = new Handlers();
    private final IoLoop transport;
    /** Set for a TCP client when config.tls is set. */
    private final io.jipc.internal.tls.TlsSetup tls;
    private final CompletableFuture<Void> destroyed = new CompletableFuture<>();
    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private volatile Channel channel;
    /** The current connection attempt; callbacks from older attempts are ignored. */
    private volatile Attempt current;
    private volatile boolean explicitlyDisconnected;
    // I/O thread only:
    private int retriesRemaining;
    /** Whether the current attempt has opened (I/O thread). */
    private boolean attemptOpened;
    /** Back-to-back attempts refused because the server's listen backlog was full (I/O thread). */
    private int backlogRetries;
    /**
     * How many times in a row a Unix-socket connect refused with EAGAIN (the server's listen backlog is full: it
     * accepts slower than clients arrive) is retried at once, quietly, before it counts as a failed attempt. With the
     * growing pause between tries this covers about 2 s.
     */
    static final int BACKLOG_RETRIES = 40;
    private Cancellable retryTimer;
    private FrameDecoder decoder;
    /** What this client speaks: JSON unless config.wire is PROTO. */
    private final Codec codec;
    private final PendingRequests pending = new PendingRequests();
    private final PartialFrameGuard partial;
    private final IdleGuard idle;
    /** Names this client in errors (made once: a capturing lambda per emit would allocate). */
    private final java.util.function.Supplier<String> who = this::describe;
    /** Built-in event names refused from peers (I/O thread only). */
    private final IpcRuntime.ReservedCheck reservedCheck = new IpcRuntime.ReservedCheck();
    private boolean stopped;
    /** Set when a protocol error started closing the current connection (I/O thread). */
    private boolean closingForError;
    private final ArrayDeque<Queued> syncQueue = new ArrayDeque<>();
    /** Emits made in the connectTo setup callback, before the first channel exists. */
    private final ArrayDeque<Queued> early = new ArrayDeque<>();
    private boolean awaitingReply;
    /**
     * config.offlineQueue: emits made while reconnecting, written when the connection is back. Guarded by itself,
     * together with {@link #reconnecting} and the moves of {@link #state} to CONNECTED and DESTROYED.
     */
    private final ArrayDeque<Queued> offline = new ArrayDeque<>();
    /** Set when a connection was lost and a retry is pending or under way; guarded by {@link #offline}. */
    private boolean reconnecting;
    /** Bytes of the frames in {@link #syncQueue}, readable from any thread. */
    private final java.util.concurrent.atomic.AtomicLong syncQueuedBytes = new java.util.concurrent.atomic.AtomicLong();

    private static final class Queued {
        final ByteBuffer frame;
        final CompletableFuture<Void> promise;

        Queued(ByteBuffer frame, CompletableFuture<Void> promise) {
            this.frame = frame;
            this.promise = promise;
        }
    }

    ClientImpl(IpcRuntime rt, String id, SocketAddress target) {
        this.rt = rt;
        this.cfg = rt.config;
        this.id = id;
        this.target = target;
        this.transport = rt.transport();
        this.retriesRemaining = cfg.maxRetries();
        this.tls = target instanceof InetSocketAddress ? rt.tls() : null;
        this.codec = rt.clientCodec();
        this.partial = new PartialFrameGuard(transport, cfg.partialFrameTimeout(),
                () -> id + " (" + IpcRuntime.describe(target) + ")", e -> {
                    fire("error", rt.errorMessage(e));
                    stopped = true;
                    Channel ch = channel;
                    if (ch != null) {
                        ch.close(null);
                    }
                });
        this.idle = new IdleGuard(transport, cfg.idleTimeout(), who, e -> {
            fire("error", rt.errorMessage(e));
            stopped = true; // frames still arriving while it closes are not delivered, nor reported as truncated
            Channel ch = channel;
            if (ch != null) {
                ch.closeAfterFlush(cfg.flushTimeout().toNanos()); // then closed(): reconnects per retry policy
            }
        });
    }

    void start() {
        connectNow();
    }

    /** Opens a new connection (first attempt, or a retry on the I/O thread). */
    private void connectNow() {
        state = ConnectionState.CONNECTING;
        attemptOpened = false;
        stopped = false;
        closingForError = false;
        decoder = cfg.rawBuffer() ? null : codec == Codec.PROTO
                ? new ProtoFrameDecoder(cfg.maxFrameBytes(), false) : rt.newDecoder();
        partial.reset(decoder);
        SocketAddress local = null;
        if (cfg.interfaces() != null && target instanceof InetSocketAddress) {
            IpcConfig.Interfaces i = cfg.interfaces();
            local = i.localAddress() == null ? new InetSocketAddress(i.localPort())
                    : new InetSocketAddress(i.localAddress(), i.localPort());
        }
        Attempt attempt = new Attempt();
        current = attempt;
        Channel ch;
        if (tls == null) {
            ch = transport.connect(target, local, attempt);
        } else {
            InetSocketAddress t = (InetSocketAddress) target;
            io.jipc.internal.tls.TlsChannel secure = new io.jipc.internal.tls.TlsChannel(transport,
                    tls.clientEngine(t.getHostString(), t.getPort()), target, cfg.handshakeTimeout(), attempt);
            secure.attach(transport.connect(target, local, secure));
            ch = secure;
        }
        publish(attempt, ch);
    }

    /**
     * Makes {@code ch} the channel emits go to, once per attempt, from whichever thread gets there first: the one
     * that called {@link #connectNow} or the I/O thread's {@code onOpen} (a Unix socket can connect before
     * connectNow returns, and a {@code connect} handler emits at once). The preamble (protobuf) and the frames emitted
     * before there was a channel are queued on it first, and only then is it published, so that no emit that sees the
     * channel can overtake them.
     */
    private void publish(Attempt attempt, Channel ch) {
        synchronized (early) {
            if (current != attempt) {
                return;
            }
            if (!attempt.published) {
                attempt.published = true;
                if (codec == Codec.PROTO) {
                    // the preamble goes first on every connection, before anything queued or emitted (proto/README.md 3.1)
                    ch.write(ByteBuffer.wrap(ProtoFrameDecoder.preamble()), new CompletableFuture<>());
                }
                Queued q;
                while ((q = early.poll()) != null) {
                    ch.write(q.frame, q.promise);
                }
            }
            channel = ch;
        }
    }

    /** Routes one connection's callbacks to the client, tagged so stale ones can be recognised. */
    private final class Attempt implements ChannelHandler {
        /** Set once the preamble and early frames were queued on this attempt's channel (under {@code early}). */
        boolean published;

        @Override
        public void onOpen(Channel ch) {
            if (current == this) {
                publish(this, ch);
                opened();
            }
        }

        @Override
        public void onData(ByteBuffer data) {
            if (current == this) {
                received(data);
            } else {
                data.position(data.limit());
            }
        }

        @Override
        public void onClose(Throwable cause) {
            if (current == this) {
                closed(cause);
            }
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    @Override
    public CompletionStage<Void> emit(String type, Object data) {
        if (codec == Codec.JSON && !cfg.sync() && cfg.offlineQueue() == 0) {
            // connected: a small frame goes straight into the connection's batch (else the checks of send apply)
            Channel ch = channel;
            ConnectionState s = state;
            if (ch != null && s != ConnectionState.DESTROYED && s != ConnectionState.DISCONNECTED
                    && !explicitlyDisconnected) {
                CompletionStage<Void> done = Outbound.sendSmall(rt, ch, type, data, who, true);
                if (done != null) {
                    return done;
                }
            }
        }
        ByteBuffer frame;
        try {
            frame = codec == Codec.JSON ? rt.encode(type, data) : rt.encode(codec, false, type, data, 0, 0, null, null);
        } catch (IpcException e) {
            return IpcRuntime.failed(e);
        }
        return send(frame, type);
    }

    @Override
    public CompletionStage<Message> request(String type, Object data, Duration timeout) {
        if (cfg.rawBuffer()) {
            return IpcRuntime.failed(new IpcException(IpcException.ESTATE,
                    "request '" + type + "': not available in rawBuffer "
                    + "mode"));
        }
        ByteBuffer frame;
        long rid = pending.nextId();
        try {
            frame = rt.encode(codec, false, type, data, rid, 0, null, null);
        } catch (IpcException e) {
            return IpcRuntime.failed(e);
        }
        java.util.concurrent.CompletableFuture<Message> reply = pending.add(rid, type, timeout == null
                ? cfg.requestTimeout() : timeout, transport, who);
        send(frame, type).whenComplete((v, e) -> {
            if (e != null) {
                pending.fail(rid, e);
            }
        });
        return reply;
    }

    private String describe() {
        return "client " + id + " (" + IpcRuntime.describe(target) + ")";
    }

    @Override
    public CompletionStage<Void> sendReply(String type, long re, Object data, String errorCode,
            String errorMessage) {
        ByteBuffer frame;
        try {
            frame = rt.encode(codec, false, type, data, 0, re, errorCode, errorMessage);
        } catch (IpcException e) {
            return IpcRuntime.failed(e);
        }
        return send(frame, type);
    }

    @Override
    public CompletionStage<Void> write(byte[] bytes) {
        return send(ByteBuffer.wrap(bytes.clone()), "(raw bytes)");
    }

    private CompletionStage<Void> send(ByteBuffer frame, String what) {
        if (cfg.offlineQueue() > 0) {
            synchronized (offline) {
                if (reconnecting && !explicitlyDisconnected && state != ConnectionState.DESTROYED) {
                    if (offline.size() >= cfg.offlineQueue()) {
                        return IpcRuntime.failed(new IpcException(IpcException.EOVERFLOW,
                                "emit '" + what + "' to " + id + " ("
                                + IpcRuntime.describe(target) + "): reconnecting, and the offline queue already holds "
                                + offline.size() + " messages (offlineQueue " + cfg.offlineQueue() + ")"));
                    }
                    CompletableFuture<Void> promise = new CompletableFuture<>();
                    offline.add(new Queued(frame, promise));
                    return promise;
                }
            }
        }
        ConnectionState s = state;
        Channel ch = channel;
        if (ch == null && s == ConnectionState.CONNECTING && !cfg.sync()) {
            synchronized (early) {
                if (channel == null) {
                    CompletableFuture<Void> promise = new CompletableFuture<>();
                    early.add(new Queued(frame, promise));
                    return promise;
                }
                ch = channel;
            }
        }
        if (s == ConnectionState.DESTROYED || s == ConnectionState.DISCONNECTED || explicitlyDisconnected) {
            return IpcRuntime.failed(new IpcException(IpcException.ENOTCONNECTED, "emit '" + what + "' to " + id + " ("
                    + IpcRuntime.describe(target) + "): not connected (state " + s + ")"));
        }
        if (!cfg.sync()) {
            final Channel c = ch;
            // a channel that closed meanwhile fails the promise with ECLOSED
            return Outbound.send(rt, c, frame, who, true);
        }
        // sync mode: frames wait here for the previous answer; the mark bounds them together with the channel's
        int size = frame.remaining();
        long queued = syncQueuedBytes.get() + (ch == null ? 0 : ch.pendingBytes());
        if (queued > 0 && queued + size > cfg.highWaterMarkBytes()) {
            return IpcRuntime.failed(new IpcException(IpcException.EBACKPRESSURE,
                    "emit '" + what + "' to client " + id + " ("
                    + IpcRuntime.describe(target) + "): " + queued + " bytes wait in the sync queue, a " + size
                    + "-byte frame does not fit under highWaterMarkBytes " + cfg.highWaterMarkBytes()
                    + " (sync mode always fails when full)"));
        }
        CompletableFuture<Void> promise = new CompletableFuture<>();
        syncQueuedBytes.addAndGet(size);
        transport.execute(() -> {
            syncQueue.add(new Queued(frame, promise));
            pumpSync();
        });
        return promise;
    }

    @Override
    public long pendingBytes() {
        Channel ch = channel;
        return syncQueuedBytes.get() + (ch == null || state != ConnectionState.CONNECTED ? 0 : ch.pendingBytes());
    }

    /** Sync mode: write the next queued frame once the previous one was answered. */
    private void pumpSync() {
        Channel ch = channel;
        if (awaitingReply || syncQueue.isEmpty() || ch == null) {
            return;
        }
        Queued q = syncQueue.poll();
        syncQueuedBytes.addAndGet(-q.frame.remaining());
        awaitingReply = true;
        ch.write(q.frame, q.promise);
    }

    @Override
    public IpcClient on(String type, ClientHandler handler) {
        handlers.on(type, handler);
        return this;
    }

    @Override
    public IpcClient on(String type, SignalHandler handler) {
        handlers.on(type, handler);
        return this;
    }

    @Override
    public IpcClient off(String type, ClientHandler handler) {
        handlers.off(type, handler);
        return this;
    }

    @Override
    public IpcClient off(String type, SignalHandler handler) {
        handlers.off(type, handler);
        return this;
    }

    @Override
    public IpcClient off(String type) {
        handlers.off(type);
        return this;
    }

    @Override
    public CompletionStage<Void> disconnect() {
        explicitlyDisconnected = true;
        transport.execute(() -> {
            if (retryTimer != null) {
                retryTimer.cancel();
            }
            Channel ch = channel;
            if (ch != null && ch.isOpen()) {
                ch.closeAfterFlush(cfg.flushTimeout().toNanos()); // onClose then destroys
            } else if (state != ConnectionState.DESTROYED) {
                destroy(false);
            }
        });
        return destroyed;
    }

    private void opened() {
        attemptOpened = true;
        backlogRetries = 0;
        synchronized (offline) {
            // what waited while reconnecting goes first; emits see CONNECTED (and write directly) only after this
            Queued q;
            while ((q = offline.poll()) != null) {
                if (cfg.sync()) {
                    syncQueuedBytes.addAndGet(q.frame.remaining());
                    syncQueue.add(q);
                } else {
                    channel.write(q.frame, q.promise);
                }
            }
            reconnecting = false;
            state = ConnectionState.CONNECTED;
        }
        retriesRemaining = cfg.maxRetries();
        idle.start();
        fire("connect", null);
        if (cfg.sync()) {
            pumpSync();
        }
    }

    private void received(ByteBuffer data) {
        idle.received();
        if (decoder == null) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            fire("data", JsonMessage.ofRaw(chunk, rt.rawCharset, rt.mapper));
        } else {
            decoder.decode(data, this);
            if (stopped || decoder.isFinished()) {
                data.position(data.limit());
                if (!closingForError) {
                    closingForError = true;
                    partial.cancel();
                    // what was emitted before the decision, such as a handler's reply to a valid frame of this read,
                    // is written first, as on disconnect(); later emits fail as closed and later input is ignored
                    channel.closeAfterFlush(cfg.flushTimeout().toNanos());
                }
                return;
            }
            partial.afterRead();
        }
        if (cfg.sync()) {
            awaitingReply = false;
            pumpSync();
        }
    }

    @Override
    public void onFrame(String type, byte[] data) {
        if (!stopped) {
            onJson(type, data, 0);
        }
    }

    @Override
    public void onFrame(String type, byte[] data, long rid, long re, byte[] error) {
        if (stopped) {
            return;
        }
        if (re != 0) {
            partial.frameCompleted();
            pending.onJsonReply(re, type, data, error, rt, who);
            return;
        }
        onJson(type, data, rid);
    }

    /** An event or request (rid != 0) in a JSON frame. */
    private void onJson(String type, byte[] data, long rid) {
        partial.frameCompleted();
        if (!refusedReserved(type)) {
            fire(type, JsonMessage.ofJson(type, data, rt.mapper, this, rid));
        }
    }

    /** Drops the connection with an error event if the server sent a built-in event name; true when it did. */
    private boolean refusedReserved(String type) {
        if (cfg.allowReservedEvents() || !reservedCheck.test(type)) {
            return false;
        }
        protocolError("server sent the built-in event name '" + type + "' (set allowReservedEvents to accept it)",
                IpcException.ERESERVED);
        return true;
    }

    @Override
    public void onProtoValue(String type, byte[] value, long rid, long re) {
        if (stopped) {
            return;
        }
        if (re != 0) {
            FrameSink.super.onProtoValue(type, value, rid, re); // a reply: the Envelope path
            return;
        }
        partial.frameCompleted();
        if (refusedReserved(type)) {
            return;
        }
        fire(type, JsonMessage.ofProtoValue(type, value, rt.mapper, this, rid)); // parsed only if read
    }

    @Override
    public void onEnvelope(Envelope env) {
        if (stopped) {
            return;
        }
        partial.frameCompleted();
        if (env.getRe() != 0) {
            pending.onEnvelopeReply(env, rt, who);
            return;
        }
        String type = env.getType();
        if (refusedReserved(type)) {
            return;
        }
        fire(type, JsonMessage.ofEnvelope(env, rt.mapper, this, true));
    }

    @Override
    public boolean onMalformed(String reason) {
        return protocolError(reason, FrameSink.codeOf(reason));
    }

    private boolean protocolError(String reason, String code) {
        boolean skip = cfg.skipMalformedFrames();
        fire("error", rt.errorMessage(new IpcException(code, id + " (" + IpcRuntime.describe(target) + "): " + reason
                + (skip ? "; frame skipped" : "; closing the connection"))));
        stopped = !skip;
        return skip;
    }

    private IpcException closedBeforeReply(String type) {
        return new IpcException(IpcException.ECLOSED, "request '" + type + "' to " + describe()
                + ": the connection closed before the reply");
    }

    private void closed(Throwable cause) {
        if (!attemptOpened && backlogFull(cause) && backlogRetries < BACKLOG_RETRIES && !explicitlyDisconnected) {
            // not a failure of the server: it is busy accepting; try again shortly without an error or a retry used
            long pauseMs = Math.min(100, 1L << Math.min(backlogRetries, 6));
            backlogRetries++;
            retryTimer = transport.schedule(() -> {
                if (!explicitlyDisconnected) {
                    connectNow();
                }
            }, pauseMs, TimeUnit.MILLISECONDS);
            return;
        }
        backlogRetries = 0;
        partial.cancel();
        idle.cancel();
        pending.failAll(this::closedBeforeReply);
        IpcException truncated = SocketImpl.truncated(decoder, stopped || explicitlyDisconnected,
                () -> "client " + id + " (" + IpcRuntime.describe(target) + ")");
        if (truncated != null) {
            fire("error", rt.errorMessage(truncated));
        }
        if (cause != null) {
            fire("error", rt.errorMessage(rt.osError("connect " + id, target, cause)));
        }
        if (cfg.stopRetrying() || retriesRemaining < 1 || explicitlyDisconnected) {
            destroy(true);
            return;
        }
        synchronized (offline) {
            reconnecting = true;
            state = ConnectionState.DISCONNECTED;
        }
        failSyncQueue();
        retryTimer = transport.schedule(() -> {
            if (explicitlyDisconnected) {
                return;
            }
            retriesRemaining--;
            connectNow();
        }, cfg.retry().toNanos(), TimeUnit.NANOSECONDS);
        fire("disconnect", null);
    }

    /** @return whether a connect failed because a Unix socket's listen backlog is full (EAGAIN) */
    private boolean backlogFull(Throwable cause) {
        if (cause == null || !(target instanceof java.net.UnixDomainSocketAddress)) {
            return false;
        }
        return IpcException.EAGAIN.equals(rt.osError("connect " + id, target, cause).code());
    }

    /** node-ipc: disconnect, then destroy; the client is then removed from {@code ipc.of}. */
    private void destroy(boolean fireDisconnect) {
        java.util.List<Queued> left;
        synchronized (offline) {
            state = ConnectionState.DESTROYED;
            reconnecting = false;
            left = new java.util.ArrayList<>(offline);
            offline.clear();
        }
        for (Queued q : left) {
            q.promise.completeExceptionally(new IpcException(IpcException.ECLOSED, "emit to " + id + " ("
                    + IpcRuntime.describe(target) + "): the client was destroyed while the message waited in the "
                    + "offline queue"));
        }
        rt.forget(id, this);
        pending.failAll(this::closedBeforeReply);
        failSyncQueue();
        if (fireDisconnect) {
            fire("disconnect", null);
        }
        fire("destroy", null);
        if (explicitlyDisconnected) {
            handlers.off("*"); // node-ipc's disconnect removes every handler
        }
        destroyed.complete(null);
    }

    private void failSyncQueue() {
        awaitingReply = false;
        Queued q;
        while ((q = syncQueue.poll()) != null) {
            syncQueuedBytes.addAndGet(-q.frame.remaining());
            q.promise.completeExceptionally(new IpcException(IpcException.ECLOSED, "emit to " + id
                    + ": the connection closed while the message waited in the sync queue"));
        }
    }

    private void fire(String type, io.jipc.Message msg) {
        rt.fireClient(handlers, type, msg == null ? JsonMessage.ofJson(type, null, rt.mapper) : msg);
    }

    @Override
    public String toString() {
        return "IpcClient{id=" + id + ", target=" + IpcRuntime.describe(target) + ", state=" + state + '}';
    }
}
