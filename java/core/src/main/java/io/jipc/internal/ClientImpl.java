package io.jipc.internal;

import io.jipc.ClientHandler;
import io.jipc.ConnectionState;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.SignalHandler;
import io.jipc.Message;
import io.jipc.internal.codec.WireCodec;
import io.jipc.internal.connection.Connection;
import io.jipc.internal.connection.OutboundQueue;
import io.jipc.internal.connection.PendingRequests;
import io.jipc.internal.transport.Addresses;
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
 * node-ipc's {@code ipc.of[id]}: connects, reconnects per retry / maxRetries / stopRetrying, and holds what waits for a
 * connection (emits made before the first one, the offline queue while reconnecting, the sync queue). Each attempt is
 * a {@link Connection}, which decodes frames and sends; its events go to this client's handlers. Connection state
 * changes happen on the I/O thread only; {@code state} and {@code channel} are volatile so other threads can read
 * them.
 */
final class ClientImpl implements IpcClient, Replier, Connection.Owner {
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
    /** What this client speaks: JSON unless config.wire is PROTO. */
    private final WireCodec codec;
    /**
     * Whether a connected emit may write a small frame straight into the connection's batch: the codec encodes such
     * frames and neither sync mode nor the offline queue has to see each frame.
     */
    private final boolean smallFramesDirect;
    /** The requests sent and not answered yet; they outlive a connection attempt. */
    private final PendingRequests pending = new PendingRequests();
    /** Names this client in errors (made once: a capturing lambda per emit would allocate). */
    private final java.util.function.Supplier<String> who = this::describe;
    /** Its id and target, e.g. "world (/tmp/app.world)": how errors name it. */
    private final String named;
    /** Names it at the head of a protocol error: {@link #named}, as node-ipc names it. */
    private final java.util.function.Supplier<String> name;
    /** The connection emits go to: the published attempt's (see {@link #publish}). */
    private volatile Connection connection;
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
        this.smallFramesDirect = rt.encoder.encodesSmall(codec) && !cfg.sync() && cfg.offlineQueue() == 0;
        this.named = Addresses.label(id, target);
        this.name = () -> named;
    }

    void start() {
        connectNow();
    }

    /** Opens a new connection (first attempt, or a retry on the I/O thread). */
    private void connectNow() {
        state = ConnectionState.CONNECTING;
        attemptOpened = false;
        SocketAddress local = null;
        if (cfg.interfaces() != null && target instanceof InetSocketAddress) {
            IpcConfig.Interfaces i = cfg.interfaces();
            local = i.localAddress() == null ? new InetSocketAddress(i.localPort())
                    : new InetSocketAddress(i.localAddress(), i.localPort());
        }
        Attempt attempt = new Attempt(Connection.connecting(rt, this, this, pending, who, name));
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
     * connectNow returns, and a {@code connect} handler emits at once). What the connection sends first (the
     * protobuf preamble) and the frames emitted before there was a channel are queued on it first, and only then is it
     * published, so that no emit that sees the channel can overtake them.
     */
    private void publish(Attempt attempt, Channel ch) {
        synchronized (early) {
            if (current != attempt) {
                return;
            }
            if (!attempt.published) {
                attempt.published = true;
                attempt.connection.attach(ch);
                Queued q;
                while ((q = early.poll()) != null) {
                    ch.write(q.frame, q.promise);
                }
            }
            connection = attempt.connection;
            channel = ch;
        }
    }

    /** Routes one attempt's channel callbacks to its connection, tagged so stale ones can be recognised. */
    private final class Attempt implements ChannelHandler {
        final Connection connection;
        /** Set once the preamble and early frames were queued on this attempt's channel (under {@code early}). */
        boolean published;

        Attempt(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void onOpen(Channel ch) {
            if (current == this) {
                publish(this, ch);
                connection.onOpen(ch); // then onConnectionOpen
            }
        }

        @Override
        public void onData(ByteBuffer data) {
            if (current == this) {
                connection.onData(data);
            } else {
                data.position(data.limit());
            }
        }

        @Override
        public void onClose(Throwable cause) {
            if (current == this) {
                connection.onClose(cause); // then onConnectionClose
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
        if (smallFramesDirect) {
            // connected: a small frame goes straight into the connection's batch (else the checks of send apply)
            Connection c = connection;
            ConnectionState s = state;
            if (c != null && s != ConnectionState.DESTROYED && s != ConnectionState.DISCONNECTED
                    && !explicitlyDisconnected) {
                CompletionStage<Void> done = c.sendSmall(type, data);
                if (done != null) {
                    return done;
                }
            }
        }
        ByteBuffer frame;
        try {
            frame = rt.encoder.event(codec, false, type, data);
        } catch (IpcException e) {
            return Stages.failed(e);
        }
        return send(frame, type);
    }

    @Override
    public CompletableFuture<CompletionStage<Void>> emitWhenWritable(String type, Object data) {
        if (cfg.backpressure() != io.jipc.Backpressure.BLOCK) {
            return OutboundQueue.accepted(emit(type, data)); // never waits
        }
        ByteBuffer frame;
        try {
            frame = rt.encoder.event(codec, false, type, data);
        } catch (IpcException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sendWhenWritable(frame, type);
    }

    @Override
    public CompletionStage<Message> request(String type, Object data, Duration timeout) {
        if (cfg.rawBuffer()) {
            return Stages.failed(new IpcException(IpcException.ESTATE,
                    "request '" + type + "': not available in rawBuffer "
                    + "mode"));
        }
        ByteBuffer frame;
        long rid = pending.nextId();
        try {
            frame = rt.encoder.encode(codec, false, type, data, rid, 0, null, null);
        } catch (IpcException e) {
            return Stages.failed(e);
        }
        java.util.concurrent.CompletableFuture<Message> reply = pending.add(rid, type, timeout == null
                ? cfg.requestTimeout() : timeout, transport, who);
        pending.sendFor(rid, reply, sendWhenWritable(frame, type)); // never parks the caller (Backpressure.BLOCK)
        return reply;
    }

    private String describe() {
        return "client " + named;
    }

    @Override
    public CompletionStage<Void> sendReply(String type, long re, Object data, String errorCode,
            String errorMessage) {
        ByteBuffer frame;
        try {
            frame = rt.encoder.encode(codec, false, type, data, 0, re, errorCode, errorMessage);
        } catch (IpcException e) {
            return Stages.failed(e);
        }
        return sendWhenWritable(frame, type).thenCompose(written -> written); // a reply never parks its thread
    }

    @Override
    public CompletionStage<Void> write(byte[] bytes) {
        return send(ByteBuffer.wrap(bytes.clone()), "(raw bytes)");
    }

    private CompletionStage<Void> send(ByteBuffer frame, String what) {
        return route(frame, what, stage -> stage, (conn, f) -> conn.send(f, true));
    }

    /**
     * {@link #send} that never blocks the calling thread: a frame for the connection waits for room in its line
     * ({@link io.jipc.internal.connection.OutboundQueue#sendWhenWritable}).
     */
    private CompletableFuture<CompletionStage<Void>> sendWhenWritable(ByteBuffer frame, String what) {
        return route(frame, what, OutboundQueue::accepted, (conn, f) -> conn.outbound().sendWhenWritable(f));
    }

    /**
     * Where a frame goes: the offline queue, the early queue, a refusal, the sync queue, or the connection.
     *
     * @param <R> what the caller returns
     * @param held gives the result for a frame the client holds itself, or refuses (never waits)
     * @param toConnection sends the frame on the connection
     */
    private <R> R route(ByteBuffer frame, String what, java.util.function.Function<CompletionStage<Void>, R> held,
            java.util.function.BiFunction<Connection, ByteBuffer, R> toConnection) {
        if (cfg.offlineQueue() > 0) {
            synchronized (offline) {
                if (reconnecting && !explicitlyDisconnected && state != ConnectionState.DESTROYED) {
                    if (offline.size() >= cfg.offlineQueue()) {
                        return held.apply(Stages.failed(new IpcException(IpcException.EOVERFLOW,
                                "emit '" + what + "' to " + named
                                + ": reconnecting, and the offline queue already holds "
                                + offline.size() + " messages (offlineQueue " + cfg.offlineQueue() + ")")));
                    }
                    CompletableFuture<Void> promise = new CompletableFuture<>();
                    offline.add(new Queued(frame, promise));
                    return held.apply(promise);
                }
            }
        }
        ConnectionState s = state;
        Connection conn = connection;
        if (conn == null && s == ConnectionState.CONNECTING && !cfg.sync()) {
            synchronized (early) {
                if (connection == null) {
                    CompletableFuture<Void> promise = new CompletableFuture<>();
                    early.add(new Queued(frame, promise));
                    return held.apply(promise);
                }
                conn = connection;
            }
        }
        if (s == ConnectionState.DESTROYED || s == ConnectionState.DISCONNECTED || explicitlyDisconnected) {
            return held.apply(Stages.failed(new IpcException(IpcException.ENOTCONNECTED,
                    "emit '" + what + "' to " + named + ": not connected (state " + s + ")")));
        }
        if (!cfg.sync()) {
            // a channel that closed meanwhile fails the promise with ECLOSED
            return toConnection.apply(conn, frame);
        }
        // sync mode: frames wait here for the previous answer; the mark bounds them together with the channel's
        int size = frame.remaining();
        long queued = syncQueuedBytes.get() + (conn == null ? 0 : conn.outbound().pendingBytes());
        if (queued > 0 && queued + size > cfg.highWaterMarkBytes()) {
            return held.apply(Stages.failed(new IpcException(IpcException.EBACKPRESSURE,
                    "emit '" + what + "' to client " + id + " ("
                    + Addresses.describe(target) + "): " + queued + " bytes wait in the sync queue, a " + size
                    + "-byte frame does not fit under highWaterMarkBytes " + cfg.highWaterMarkBytes()
                    + " (sync mode always fails when full)")));
        }
        CompletableFuture<Void> promise = new CompletableFuture<>();
        syncQueuedBytes.addAndGet(size);
        transport.execute(() -> {
            syncQueue.add(new Queued(frame, promise));
            pumpSync();
        });
        return held.apply(promise);
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

    @Override
    public void onConnectionOpen(Connection c) {
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
        fire("connect", null);
        if (cfg.sync()) {
            pumpSync();
        }
    }

    @Override
    public void onEvent(String type, Message message) {
        fire(type, message);
    }

    @Override
    public void onReadDone() {
        if (cfg.sync()) {
            awaitingReply = false;
            pumpSync();
        }
    }

    @Override
    public void onConnectionClose(Connection c, Throwable cause) {
        closed(cause); // only the current attempt's connection gets here
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
        current.connection.release(explicitlyDisconnected);
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
                    + Addresses.describe(target) + "): the client was destroyed while the message waited in the "
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
        rt.dispatcher().fireClient(handlers, type, msg == null ? ReceivedMessage.ofJson(type, null, rt.mapper) : msg);
    }

    @Override
    public String toString() {
        return "IpcClient{id=" + id + ", target=" + Addresses.describe(target) + ", state=" + state + '}';
    }
}
