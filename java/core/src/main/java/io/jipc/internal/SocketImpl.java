package io.jipc.internal;

import io.jipc.Backpressure;
import io.jipc.IpcException;
import io.jipc.IpcSocket;
import io.jipc.Message;
import io.jipc.internal.codec.AutoFrameDecoder;
import io.jipc.internal.codec.Codec;
import io.jipc.internal.codec.FrameDecoder;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.ProtoCodec;
import io.jipc.internal.codec.ProtoFrameDecoder;
import io.jipc.internal.transport.Cancellable;
import io.jipc.proto.v1.Envelope;
import io.jipc.internal.transport.Channel;
import io.jipc.internal.transport.ChannelHandler;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** One accepted connection of a {@link ServerImpl}: decodes its frames and dispatches them to the server's handlers. */
final class SocketImpl implements IpcSocket, ChannelHandler, FrameSink, Replier {

    private final ServerImpl server;
    private final IpcRuntime rt;
    final Channel channel;
    private final String id;
    private final FrameDecoder decoder;
    private final PartialFrameGuard partial;
    private final IdleGuard idle;
    /** Names this socket in errors (made once: a method reference per emit would allocate). */
    private final java.util.function.Supplier<String> who = this::describe;
    /** Built-in event names refused from peers (I/O thread only). */
    private final IpcRuntime.ReservedCheck reservedCheck = new IpcRuntime.ReservedCheck();
    /** The connection's codec; null while an AUTO server waits for the client's first byte. */
    private volatile Codec codec;
    /** Emits made while the codec is unknown (guarded by this); null once it is known. */
    private List<Deferred> deferred;
    /** AUTO: decides JSON when the client stays silent (I/O thread). */
    private Cancellable detectTimer;
    private final PendingRequests pending = new PendingRequests();
    private volatile String peerId;
    /** Set when a protocol error closes the connection: later frames of the same read are ignored. */
    private boolean stopped;
    /** Set when a protocol error started closing the connection (I/O thread). */
    private boolean closingForError;
    /** Set when this side closes the connection: a frame cut short by that is not the peer's truncation. */
    volatile boolean closedHere;

    SocketImpl(ServerImpl server, Channel channel, String id) {
        this.server = server;
        this.rt = server.rt;
        this.channel = channel;
        this.id = id;
        this.decoder = rt.newServerDecoder();
        if (decoder instanceof AutoFrameDecoder) {
            deferred = new ArrayList<>();
        } else {
            codec = decoder instanceof ProtoFrameDecoder ? Codec.PROTO : Codec.JSON;
        }
        this.partial = new PartialFrameGuard(rt.transport(), rt.config.partialFrameTimeout(), who, e -> {
            server.fire("error", rt.errorMessage(e), this);
            closedHere = true;
            channel.close(null);
        });
        partial.reset(decoder);
        this.idle = new IdleGuard(rt.transport(), rt.config.idleTimeout(), who, e -> {
            server.fire("error", rt.errorMessage(e), this);
            close();
        });
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<String> peerId() {
        return Optional.ofNullable(peerId);
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public Optional<io.jipc.PeerCredentials> peerCredentials() {
        return Optional.ofNullable(channel.peerCredentials());
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    private static final class Deferred {
        final Outgoing out;
        final CompletableFuture<Void> promise = new CompletableFuture<>();
        final long bytes;

        Deferred(Outgoing out, long bytes) {
            this.out = out;
            this.bytes = bytes;
        }
    }

    /** Bytes (as JSON frames) held in {@link #deferred} while the codec is undecided; guarded by this. */
    private long deferredBytes;
    /** Completes when the codec is decided (or the connection closes). */
    private final CompletableFuture<Void> decided = new CompletableFuture<>();

    @Override
    public CompletionStage<Void> emit(String type, Object data) {
        Codec c = codec;
        if (c == null) {
            return send(new Outgoing(rt, type, data, 0), true);
        }
        if (c == Codec.JSON) {
            CompletionStage<Void> done = Outbound.sendSmall(rt, channel, type, data, who, true);
            if (done != null) {
                return done;
            }
        }
        ByteBuffer frame;
        try {
            frame = c == Codec.JSON ? rt.encode(type, data) : rt.encode(c, false, type, data, 0, 0, null, null);
        } catch (IpcException e) {
            return IpcRuntime.failed(e);
        }
        return send(frame, true);
    }

    /**
     * Sends a message encoded for this connection's codec (broadcast shares one {@link Outgoing} between sockets);
     * waits for the codec when it is not known yet.
     */
    CompletionStage<Void> send(Outgoing out, boolean mayBlock) {
        Codec c = codec;
        if (c == null) {
            long size;
            try {
                size = out.get(Codec.JSON, false).remaining(); // the likely codec; cached for it
            } catch (IpcException e) {
                size = 0;
            }
            long mark = rt.config.highWaterMarkBytes();
            List<Deferred> dropped = null;
            boolean wait = false;
            synchronized (this) {
                if (deferred != null) {
                    // what waits for the codec counts against the high-water mark like queued frames do
                    if (deferredBytes > 0 && deferredBytes + size > mark) {
                        Backpressure policy = rt.config.backpressure();
                        if (policy == Backpressure.DROP_OLDEST) {
                            dropped = new ArrayList<>();
                            while (!deferred.isEmpty() && deferredBytes + size > mark) {
                                Deferred old = deferred.remove(0);
                                deferredBytes -= old.bytes;
                                dropped.add(old);
                            }
                        } else if (policy == Backpressure.BLOCK && mayBlock && !rt.transport().inLoop()) {
                            wait = true;
                        } else {
                            return IpcRuntime.failed(new IpcException(IpcException.EBACKPRESSURE,
                                    "emit '" + out.type + "' to "
                                    + describe() + ": " + deferredBytes + " bytes wait for the client's codec to be "
                                    + "known, a " + size + "-byte frame does not fit under highWaterMarkBytes " + mark
                                    + " (backpressure " + policy + ")"));
                        }
                    }
                    if (!wait) {
                        Deferred d = new Deferred(out, size);
                        deferred.add(d);
                        deferredBytes += size;
                        failDropped(dropped, mark);
                        return d.promise;
                    }
                }
                c = codec;
            }
            if (wait) {
                try {
                    decided.get(rt.config.wireDetectTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return IpcRuntime.failed(new IpcException(IpcException.EBACKPRESSURE, "emit '" + out.type + "' to "
                            + describe() + ": interrupted while waiting for the client's codec"));
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    return IpcRuntime.failed(new IpcException(IpcException.EBACKPRESSURE, "emit '" + out.type + "' to "
                            + describe() + ": the client's codec was not known in time"));
                }
                return send(out, mayBlock);
            }
        }
        ByteBuffer frame;
        try {
            frame = out.get(c, false);
        } catch (IpcException e) {
            return IpcRuntime.failed(e);
        }
        return send(frame, mayBlock);
    }

    private void failDropped(List<Deferred> dropped, long mark) {
        if (dropped == null) {
            return;
        }
        for (Deferred d : dropped) {
            d.promise.completeExceptionally(new IpcException(IpcException.EBACKPRESSURE, "emit '" + d.out.type + "' to "
                    + describe() + ": frame dropped for a newer one while the client's codec was not known "
                    + "(backpressure DROP_OLDEST, highWaterMarkBytes " + mark + ")"));
        }
    }

    /** @return the codec, or null while undecided */
    Codec codec() {
        return codec;
    }

    /**
     * Moves what waited for the codec into the channel, then publishes the codec. Both happen under the lock that
     * {@link #send(Outgoing, boolean)} takes while the codec is unknown, and an emit that finds the codec published
     * writes straight to the channel: so every emit made before the decision is queued ahead of every emit made after
     * it, and each emitting thread's frames keep their order on the connection. The waiting frames were counted against
     * the high-water mark when they were taken, so they are queued as they are, each with its own stage.
     */
    @Override
    public void onCodec(Codec chosen) {
        synchronized (this) {
            if (codec != null) {
                return;
            }
            List<Deferred> q = deferred;
            deferred = null;
            deferredBytes = 0;
            for (Deferred d : q) {
                ByteBuffer frame;
                try {
                    frame = d.out.get(chosen, false);
                } catch (IpcException e) {
                    d.promise.completeExceptionally(e);
                    continue;
                }
                channel.write(frame, d.promise);
            }
            codec = chosen;
        }
        decided.complete(null); // after the queued frames: a writer that waited on it (BLOCK) goes behind them
        if (detectTimer != null) {
            detectTimer.cancel();
            detectTimer = null;
        }
    }

    @Override
    public CompletionStage<Message> request(String type, Object data, Duration timeout) {
        if (rt.config.rawBuffer()) {
            return IpcRuntime.failed(new IpcException(IpcException.ESTATE,
                    "request '" + type + "': not available in rawBuffer "
                    + "mode"));
        }
        long rid = pending.nextId();
        CompletableFuture<Message> reply = pending.add(rid, type, timeout == null ? rt.config.requestTimeout()
                : timeout, rt.transport(), who);
        if (!channel.isOpen()) {
            pending.fail(rid, closedBeforeReply(type));
            return reply;
        }
        send(new Outgoing(rt, type, data, rid), true).whenComplete((v, e) -> {
            if (e != null) {
                pending.fail(rid, e);
            }
        });
        return reply;
    }

    private IpcException closedBeforeReply(String type) {
        return new IpcException(IpcException.ECLOSED, "request '" + type + "' to " + describe()
                + ": the connection closed before the reply");
    }

    @Override
    public CompletionStage<Void> sendReply(String type, long re, Object data, String errorCode,
            String errorMessage) {
        Codec c = codec;
        ByteBuffer frame;
        try {
            frame = rt.encode(c == null ? Codec.JSON : c, false, type, data, 0, re, errorCode, errorMessage);
        } catch (IpcException e) {
            return IpcRuntime.failed(e);
        }
        return send(frame, true);
    }

    @Override
    public CompletionStage<Void> write(byte[] bytes) {
        return send(ByteBuffer.wrap(bytes.clone()), true);
    }

    /**
     * @param bytes the frame
     * @param mayBlock false for broadcast, which never waits for one socket under {@code Backpressure.BLOCK}
     * @return completes when written, or fails with the reason
     */
    CompletionStage<Void> send(ByteBuffer bytes, boolean mayBlock) {
        return Outbound.send(rt, channel, bytes, who, mayBlock);
    }

    @Override
    public long pendingBytes() {
        return channel.pendingBytes();
    }

    private String describe() {
        return "socket " + id + " (" + IpcRuntime.describe(channel.remoteAddress()) + ")";
    }

    @Override
    public CompletionStage<Void> close() {
        closedHere = true;
        return channel.closeAfterFlush(rt.config.flushTimeout().toNanos());
    }

    @Override
    public void onOpen(Channel ch) {
        if (codec == null) {
            detectTimer = rt.transport().schedule(() -> {
                detectTimer = null;
                if (codec == null && decoder instanceof AutoFrameDecoder) {
                    onCodec(((AutoFrameDecoder) decoder).decide(Codec.JSON));
                }
            }, rt.config.wireDetectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        idle.start();
        server.opened(this);
    }

    @Override
    public void onData(ByteBuffer data) {
        idle.received();
        if (decoder == null) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            server.fire("data", JsonMessage.ofRaw(chunk, rt.rawCharset, rt.mapper), this);
            return;
        }
        decoder.decode(data, this);
        if (stopped || decoder.isFinished()) {
            data.position(data.limit());
            if (!closingForError) {
                closingForError = true;
                partial.cancel();
                // what was emitted before the decision, such as a handler's reply to a valid frame of this read, is
                // written first, as on close(); later emits fail as closed and later input is ignored
                channel.closeAfterFlush(rt.config.flushTimeout().toNanos());
            }
            return;
        }
        partial.afterRead();
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
        if (refusedReserved(type)) {
            return;
        }
        rememberPeerId(data);
        server.fire(type, JsonMessage.ofJson(type, data, rt.mapper, this, rid), this);
    }

    /** Closes the connection with an error event if the peer sent a built-in event name; true when it did. */
    private boolean refusedReserved(String type) {
        if (rt.config.allowReservedEvents() || !reservedCheck.test(type)) {
            return false;
        }
        onMalformed("peer sent the built-in event name '" + type + "' (set allowReservedEvents to accept it)",
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
        String pid = ProtoCodec.peerId(value); // node-ipc clients send their id at the top level of an object
        if (pid != null) {
            peerId = pid;
        }
        server.fire(type, JsonMessage.ofProtoValue(type, value, rt.mapper, this, rid), this);
    }

    @Override
    public void onEnvelope(Envelope env) {
        if (stopped) {
            return;
        }
        partial.frameCompleted();
        String type = env.getType();
        if (env.getRe() != 0) {
            pending.onEnvelopeReply(env, rt, who);
            return;
        }
        if (refusedReserved(type)) {
            return;
        }
        JsonMessage msg = JsonMessage.ofEnvelope(env, rt.mapper, this, true);
        if (env.hasData() && env.getData().hasStructValue()) {
            com.google.protobuf.Value pid = env.getData().getStructValue().getFieldsOrDefault("id", null);
            if (pid != null && pid.hasStringValue() && !pid.getStringValue().isEmpty()) {
                peerId = pid.getStringValue();
            }
        }
        server.fire(type, msg, this);
    }

    private void rememberPeerId(byte[] data) {
        String pid = JsonMessage.topLevelId(data, rt.factory);
        if (pid != null) {
            peerId = pid;
        }
    }

    @Override
    public boolean onMalformed(String reason) {
        return onMalformed(reason, FrameSink.codeOf(reason));
    }

    private boolean onMalformed(String reason, String code) {
        boolean skip = rt.config.skipMalformedFrames();
        IpcException e = new IpcException(code, "socket " + id + " (" + IpcRuntime.describe(channel.remoteAddress())
                + "): " + reason + (skip ? "; frame skipped" : "; closing the connection"));
        server.fire("error", rt.errorMessage(e), this);
        stopped = !skip;
        return skip;
    }

    @Override
    public void onClose(Throwable cause) {
        partial.cancel();
        idle.cancel();
        if (detectTimer != null) {
            detectTimer.cancel();
            detectTimer = null;
        }
        List<Deferred> q;
        synchronized (this) {
            q = deferred;
            deferred = null;
            deferredBytes = 0;
            if (codec == null) {
                codec = Codec.JSON;
            }
        }
        decided.complete(null);
        if (q != null) {
            for (Deferred d : q) {
                d.promise.completeExceptionally(new IpcException(IpcException.ECLOSED, "emit '" + d.out.type + "' to "
                        + describe() + ": the connection closed before the client's codec was known"));
            }
        }
        pending.failAll(this::closedBeforeReply);
        IpcException truncated = truncated(decoder, stopped || closedHere, who);
        if (truncated != null) {
            server.fire("error", rt.errorMessage(truncated), this);
        }
        server.closed(this, cause);
    }

    /**
     * @return an {@code ETRUNCATED} error when the connection closed with part of a frame received, else null
     */
    static IpcException truncated(FrameDecoder decoder, boolean stopped, java.util.function.Supplier<String> who) {
        if (decoder == null || stopped || decoder.isFinished() || decoder.pendingBytes() == 0) {
            return null;
        }
        return new IpcException(IpcException.ETRUNCATED, who.get() + ": connection closed inside a frame ("
                + decoder.pendingBytes() + " bytes pending)");
    }

    @Override
    public String toString() {
        return "IpcSocket{id=" + id + ", remote=" + IpcRuntime.describe(channel.remoteAddress()) + '}';
    }
}
