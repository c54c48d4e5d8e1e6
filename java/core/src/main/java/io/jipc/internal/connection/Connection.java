package io.jipc.internal.connection;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.Backpressure;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.Message;
import io.jipc.internal.IpcRuntime;
import io.jipc.internal.ReceivedMessage;
import io.jipc.internal.MessageEncoder;
import io.jipc.internal.Replier;
import io.jipc.internal.Stages;
import io.jipc.internal.codec.AutoFrameDecoder;
import io.jipc.internal.codec.Codecs;
import io.jipc.internal.codec.FrameDecoder;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.internal.codec.WireCodec;
import io.jipc.internal.transport.Cancellable;
import io.jipc.internal.transport.Channel;
import io.jipc.internal.transport.ChannelHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One jipc connection's protocol, whoever owns it: a server's accepted socket, one connection attempt of a client, or
 * a UDP server's peer. It owns the decoder and is its sink; it guards against partial frames and idleness, refuses
 * built-in event names, matches replies to pending requests, remembers the peer's id, closes on a protocol error
 * (flushing first) and puts outgoing frames through the connection's one {@link OutboundQueue}. Its owner is told of
 * open, events and close through {@link Owner}; reconnecting, offline and sync queues stay with the client.
 *
 * <p>The codec is an object ({@link WireCodec}) from the instance's registry ({@link Codecs}): this class asks it for
 * the decoder, the bytes a client writes first and (through {@link MessageEncoder}) the frames, and never branches
 * on which codec it is.
 *
 * <p>Threads: the decoder, the guards and the sink callbacks run on the I/O thread; sending, requesting and closing
 * may be called from any thread. The data path lives behind {@link #send(ByteBuffer, boolean)} and
 * {@link #onData(ByteBuffer)}: a later write-through (the caller writing to the socket when the queue is empty) or a
 * move to shared-memory rings changes those and the channel, not the owners.
 */
public final class Connection implements ChannelHandler, FrameSink {

    /** Which end of the protocol this connection is: the wording of errors and what is tracked differ. */
    public enum Side {
        /** A server's accepted stream connection. */
        SERVER,
        /** A client's connection. */
        CLIENT,
        /** A UDP server's peer: datagrams, no channel, no requests. */
        DATAGRAM
    }

    /** What a connection tells its owner. Called on the I/O thread. */
    public interface Owner {
        /**
         * The connection opened (stream connections only).
         *
         * @param connection this connection
         */
        void onConnectionOpen(Connection connection);

        /**
         * An event to dispatch: a message from the peer, raw data, or an 'error'.
         *
         * @param type the event type
         * @param message the message
         */
        void onEvent(String type, Message message);

        /**
         * The channel closed; the owner calls {@link #release} when it is done with the connection.
         *
         * @param connection this connection
         * @param cause why, or null for an orderly close
         */
        void onConnectionClose(Connection connection, Throwable cause);

        /** A read was decoded and the connection stays open (a client's sync mode writes its next frame). */
        default void onReadDone() {
        }
    }

    private final IpcRuntime rt;
    private final IpcConfig config;
    private final ObjectMapper mapper;
    /** What this connection's chunks are in rawBuffer mode; null otherwise. */
    private final RawChunk rawChunk;
    private final MessageEncoder encoder;
    private final Side side;
    private final Owner owner;
    /** Answers requests that arrive here (the socket or client the user sees); null for UDP. */
    private final Replier replier;
    /** Names the connection in errors, e.g. "socket 2 (/tmp/app.world)" or "client world (/tmp/app.world)". */
    private final Supplier<String> who;
    /** Names it at the head of a protocol error (a client's without the word "client", as node-ipc's id). */
    private final Supplier<String> name;
    private final PendingRequests pending;
    private final PartialFrameGuard partial;
    private final IdleGuard idle;
    private final ReservedNames reserved = new ReservedNames();
    /** Set once (a client's attempt: when it is published); emits go through {@link #outbound}. */
    private volatile Channel channel;
    private volatile OutboundQueue outbound;
    /** A stream's decoder; null in rawBuffer mode and for a UDP peer (see {@link #datagramDecoders}). */
    private final FrameDecoder decoder;
    /**
     * A UDP peer's decoders, one per registered codec, made on first use; one finished by a malformed frame (which
     * ends that datagram) is replaced. Null for streams and in rawBuffer mode.
     */
    private final FrameDecoder[] datagramDecoders;
    private final Codecs codecs;
    /** The connection's codec; null while an AUTO server waits for the client's first byte. */
    private volatile WireCodec codec;
    /** Emits made while the codec is unknown (guarded by this); null once it is known. */
    private List<Deferred> deferred;
    /** Bytes (as JSON frames) held in {@link #deferred} while the codec is undecided; guarded by this. */
    private long deferredBytes;
    /** Completes when the codec is decided (or the connection closes). */
    private final CompletableFuture<Void> decided = new CompletableFuture<>();
    /** AUTO: decides JSON when the client stays silent (I/O thread). */
    private Cancellable detectTimer;
    private volatile String peerId;
    /** Set when a protocol error closes the connection: later frames of the same read are ignored. */
    private boolean stopped;
    /** Set when a protocol error started closing the connection (I/O thread). */
    private boolean closingForError;
    /** Set when this side closes the connection: a frame cut short by that is not the peer's truncation. */
    private volatile boolean closedHere;

    private static final class Deferred {
        final OutboundMessage out;
        final CompletableFuture<Void> promise = new CompletableFuture<>();
        final long bytes;

        Deferred(OutboundMessage out, long bytes) {
            this.out = out;
            this.bytes = bytes;
        }
    }

    private Connection(IpcRuntime rt, Side side, Owner owner, Replier replier, PendingRequests pending,
            Supplier<String> who, Supplier<String> name) {
        this.rt = rt;
        this.config = rt.config();
        this.mapper = rt.mapper();
        this.rawChunk = config.rawBuffer() ? new RawChunk(rt.rawCharset()) : null;
        this.encoder = rt.encoder();
        this.side = side;
        this.owner = owner;
        this.replier = replier;
        this.pending = pending;
        this.who = who;
        this.name = name;
        this.codecs = rt.codecs();
        if (side == Side.DATAGRAM) {
            this.decoder = null;
            this.datagramDecoders = config.rawBuffer() ? null : new FrameDecoder[codecs.all().size()];
            this.codec = rt.clientCodec();
            this.partial = null;
            this.idle = null;
            return;
        }
        this.datagramDecoders = null;
        if (config.rawBuffer()) {
            this.decoder = null;
            this.codec = codecs.fallback();
        } else if (side == Side.SERVER) {
            WireCodec fixed = codecs.forWire(config.wire());
            if (fixed == null) {
                this.decoder = new AutoFrameDecoder(codecs, rt.codecContext());
                deferred = new ArrayList<>();
            } else {
                this.decoder = fixed.newDecoder(rt.codecContext(), true);
                this.codec = fixed;
            }
        } else {
            this.codec = rt.clientCodec();
            this.decoder = codec.newDecoder(rt.codecContext(), false);
        }
        this.partial = new PartialFrameGuard(rt.transport(), config.partialFrameTimeout(), name, e -> {
            owner.onEvent("error", rt.errorMessage(e));
            stopped = true;
            closedHere = true;
            Channel ch = channel;
            if (ch != null) {
                ch.close(null);
            }
        });
        partial.reset(decoder);
        this.idle = new IdleGuard(rt.transport(), config.idleTimeout(), who, e -> {
            owner.onEvent("error", rt.errorMessage(e));
            if (side == Side.CLIENT) {
                stopped = true; // frames still arriving while it closes are not delivered, nor reported as truncated
            } else {
                closedHere = true;
            }
            Channel ch = channel;
            if (ch != null) {
                ch.closeAfterFlush(config.flushTimeout().toNanos()); // a client then reconnects per retry policy
            }
        });
    }

    /**
     * @param rt the instance
     * @param owner the server's socket
     * @param replier answers requests (the socket)
     * @param channel the accepted channel
     * @param who names the socket in errors
     * @return the connection of an accepted socket; its decoder follows {@link IpcConfig#wire}
     */
    public static Connection accepted(IpcRuntime rt, Owner owner, Replier replier, Channel channel,
            Supplier<String> who) {
        Connection c = new Connection(rt, Side.SERVER, owner, replier, new PendingRequests(), who, who);
        c.attach(channel);
        return c;
    }

    /**
     * A client's connection attempt; {@link #attach} gives it its channel.
     *
     * @param rt the instance
     * @param owner the client
     * @param replier answers requests (the client)
     * @param pending the client's requests (they outlive an attempt)
     * @param who names the client in errors, e.g. "client world (/tmp/app.world)"
     * @param name names it at the head of a protocol error, e.g. "world (/tmp/app.world)"
     * @return the connection
     */
    public static Connection connecting(IpcRuntime rt, Owner owner, Replier replier, PendingRequests pending,
            Supplier<String> who, Supplier<String> name) {
        return new Connection(rt, Side.CLIENT, owner, replier, pending, who, name);
    }

    /**
     * @param rt the instance
     * @param owner the UDP peer
     * @param name names the peer in errors, e.g. "udp4 peer 127.0.0.1:9000"
     * @return the connection of a UDP peer, fed with {@link #receiveDatagram}
     */
    public static Connection datagramPeer(IpcRuntime rt, Owner owner, Supplier<String> name) {
        return new Connection(rt, Side.DATAGRAM, owner, null, null, name, name);
    }

    /**
     * Gives a client's attempt its channel and queues what goes first on every connection: the codec's
     * {@linkplain WireCodec#clientHello hello} (the protobuf preamble, {@code proto/README.md} 3.1). The caller
     * queues the frames emitted before there was a channel next, and only then lets emits see the channel.
     *
     * @param ch the channel
     */
    public void attach(Channel ch) {
        this.outbound = new OutboundQueue(ch, config, encoder, rt::inLoop, who);
        this.channel = ch;
        byte[] hello = side == Side.CLIENT ? codec.clientHello() : null;
        if (hello != null) {
            ch.write(ByteBuffer.wrap(hello), new CompletableFuture<>());
        }
    }

    /** @return the channel, or null before {@link #attach} */
    public Channel channel() {
        return channel;
    }

    /** @return the outbound queue (null before {@link #attach}, and for a UDP peer) */
    public OutboundQueue outbound() {
        return outbound;
    }

    /** @return the codec, or null while an AUTO server's connection is undecided */
    public WireCodec codec() {
        return codec;
    }

    /** @return the id the peer gave in its messages' data (servers and UDP peers), or null */
    public String peerId() {
        return peerId;
    }

    /** @return true until the channel closed */
    public boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isOpen();
    }

    // ---- sending

    /**
     * node-ipc's {@code socket.emit} on a server's connection: waits for the codec when it is not known yet.
     *
     * @param type the event type
     * @param data the data
     * @return completes when written, or fails with the reason
     */
    public CompletionStage<Void> emit(String type, Object data) {
        WireCodec c = codec;
        if (c == null) {
            return send(new OutboundMessage(encoder, type, data, 0), true);
        }
        CompletionStage<Void> done = outbound.sendSmall(c, type, data, true);
        if (done != null) {
            return done;
        }
        ByteBuffer frame;
        try {
            frame = encoder.event(c, false, type, data);
        } catch (IpcException e) {
            return Stages.failed(e);
        }
        return outbound.send(frame, true);
    }

    /**
     * A small JSON event written straight into the open batch ({@link OutboundQueue#sendSmall}).
     *
     * @param type the event type
     * @param data the data
     * @return the frame's completion, or null when it is not written that way (encode it and {@link #send})
     */
    public CompletionStage<Void> sendSmall(String type, Object data) {
        return outbound.sendSmall(codec, type, data, true);
    }

    /**
     * @param frame an encoded frame
     * @param mayBlock false for broadcast, which never waits for one socket under {@code Backpressure.BLOCK}
     * @return completes when written, or fails with the reason
     */
    public CompletionStage<Void> send(ByteBuffer frame, boolean mayBlock) {
        return outbound.send(frame, mayBlock);
    }

    /**
     * Sends a message encoded for this connection's codec (broadcast shares one {@link OutboundMessage} between
     * sockets); waits for the codec when it is not known yet.
     *
     * @param out the message
     * @param mayBlock false for broadcast
     * @return completes when written, or fails with the reason
     */
    public CompletionStage<Void> send(OutboundMessage out, boolean mayBlock) {
        WireCodec c = codec;
        if (c == null) {
            CompletionStage<Void> held = defer(out, mayBlock, false);
            if (held == WAIT_FOR_CODEC) {
                try {
                    decided.get(config.wireDetectTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Stages.failed(new IpcException(IpcException.EBACKPRESSURE, "emit '" + out.type + "' to "
                            + who.get() + ": interrupted while waiting for the client's codec"));
                } catch (ExecutionException | TimeoutException e) {
                    return Stages.failed(new IpcException(IpcException.EBACKPRESSURE, "emit '" + out.type + "' to "
                            + who.get() + ": the client's codec was not known in time"));
                }
                return send(out, mayBlock); // for the channel's queue
            }
            if (held != null) {
                return held;
            }
            c = codec;
        }
        ByteBuffer frame;
        try {
            frame = out.get(c, false);
        } catch (IpcException e) {
            return Stages.failed(e);
        }
        return outbound.send(frame, mayBlock);
    }

    /** What {@link #defer} returns for a frame that must wait until the codec is known (compared by identity). */
    private static final CompletionStage<Void> WAIT_FOR_CODEC = new CompletableFuture<>();

    /**
     * Holds a frame while the codec is unknown, or applies the backpressure policy when the frames held are at the
     * mark.
     *
     * @param out the message
     * @param mayBlock false for broadcast
     * @param withoutThread true when the caller waits without a thread (it may then wait on the I/O thread too)
     * @return the held frame's stage, a failed stage, {@link #WAIT_FOR_CODEC} when it must wait for the codec
     *     (BLOCK), or null when the codec became known meanwhile
     */
    private CompletionStage<Void> defer(OutboundMessage out, boolean mayBlock, boolean withoutThread) {
        long size;
        try {
            size = out.get(codecs.fallback(), false).remaining(); // the likely codec; cached for it
        } catch (IpcException e) {
            size = 0;
        }
        long mark = config.highWaterMarkBytes();
        List<Deferred> dropped = null;
        synchronized (this) {
            if (deferred == null) {
                return null; // decided meanwhile (codec is set with deferred cleared, under this lock)
            }
            // what waits for the codec counts against the high-water mark like queued frames do
            if (deferredBytes > 0 && deferredBytes + size > mark) {
                OutboundQueue.WhenFull verdict = withoutThread && config.backpressure() == Backpressure.BLOCK
                        ? OutboundQueue.WhenFull.WAIT : outbound.whenFull(mayBlock);
                if (verdict == OutboundQueue.WhenFull.DROP_OLDEST) {
                    dropped = new ArrayList<>();
                    while (!deferred.isEmpty() && deferredBytes + size > mark) {
                        Deferred old = deferred.remove(0);
                        deferredBytes -= old.bytes;
                        dropped.add(old);
                    }
                } else if (verdict == OutboundQueue.WhenFull.WAIT) {
                    return WAIT_FOR_CODEC; // then the frame meets the channel's queue
                } else {
                    return Stages.failed(new IpcException(IpcException.EBACKPRESSURE, "emit '" + out.type + "' to "
                            + who.get() + ": " + deferredBytes + " bytes wait for the client's codec to be known, a "
                            + size + "-byte frame does not fit under highWaterMarkBytes " + mark + " (backpressure "
                            + config.backpressure() + ")"));
                }
            }
            Deferred d = new Deferred(out, size);
            deferred.add(d);
            deferredBytes += size;
            failDropped(dropped, mark);
            return d.promise;
        }
    }

    /**
     * {@link #emit} that never blocks the calling thread: under {@code Backpressure.BLOCK} a frame that does not fit
     * waits in the outbound queue's line (or for the client's codec) holding no thread
     * ({@link OutboundQueue#sendWhenWritable}).
     *
     * @param type the event type
     * @param data the data
     * @return completes with the frame's write stage once accepted; fails when it was not sent
     */
    public CompletableFuture<CompletionStage<Void>> emitWhenWritable(String type, Object data) {
        if (config.backpressure() != Backpressure.BLOCK) {
            return OutboundQueue.accepted(emit(type, data)); // never waits
        }
        return whenWritable(new OutboundMessage(encoder, type, data, 0));
    }

    /** {@link #emitWhenWritable} for any message (a request's too), under {@code Backpressure.BLOCK}. */
    private CompletableFuture<CompletionStage<Void>> whenWritable(OutboundMessage out) {
        if (codec == null) {
            CompletionStage<Void> held = defer(out, true, true);
            if (held == WAIT_FOR_CODEC) {
                return outbound.sendWhenWritable(decided, () -> out.get(codec, false));
            }
            if (held != null) {
                return OutboundQueue.accepted(held);
            }
        }
        ByteBuffer frame;
        try {
            frame = out.get(codec, false);
        } catch (IpcException e) {
            return CompletableFuture.failedFuture(e);
        }
        return outbound.sendWhenWritable(frame);
    }

    private void failDropped(List<Deferred> dropped, long mark) {
        if (dropped == null) {
            return;
        }
        for (Deferred d : dropped) {
            d.promise.completeExceptionally(new IpcException(IpcException.EBACKPRESSURE, "emit '" + d.out.type + "' to "
                    + who.get() + ": frame dropped for a newer one while the client's codec was not known "
                    + "(backpressure DROP_OLDEST, highWaterMarkBytes " + mark + ")"));
        }
    }

    /**
     * A request on a server's connection (node-ipc has none; jipc's request/response).
     *
     * @param type the event type
     * @param data the data
     * @param timeout how long to wait for the reply, or null for {@link IpcConfig#requestTimeout}
     * @return completes with the reply
     */
    public CompletionStage<Message> request(String type, Object data, Duration timeout) {
        if (config.rawBuffer()) {
            return Stages.failed(new IpcException(IpcException.ESTATE,
                    "request '" + type + "': not available in rawBuffer mode"));
        }
        long rid = pending.nextId();
        CompletableFuture<Message> reply = pending.add(rid, type, timeout == null ? config.requestTimeout()
                : timeout, rt.transport(), who);
        if (!isOpen()) {
            pending.fail(rid, closedBeforeReply(type));
            return reply;
        }
        OutboundMessage out = new OutboundMessage(encoder, type, data, rid);
        pending.sendFor(rid, reply, config.backpressure() == Backpressure.BLOCK ? whenWritable(out)
                : OutboundQueue.accepted(send(out, true)));
        return reply;
    }

    /**
     * Encodes a reply in this connection's codec (the fallback, JSON, while undecided) and sends it.
     *
     * @param type the request's type
     * @param re the request's id
     * @param data the reply's data (ignored when errorCode is set)
     * @param errorCode null for success, else the failure's code
     * @param errorMessage the failure's message
     * @return completes when written
     */
    public CompletionStage<Void> sendReply(String type, long re, Object data, String errorCode,
            String errorMessage) {
        WireCodec c = codec;
        ByteBuffer frame;
        try {
            frame = encoder.encode(c == null ? codecs.fallback() : c, false, type, data, 0, re, errorCode,
                    errorMessage);
        } catch (IpcException e) {
            return Stages.failed(e);
        }
        return outbound.sendWhenWritable(frame).thenCompose(written -> written); // a reply never parks its thread
    }

    private IpcException closedBeforeReply(String type) {
        return new IpcException(IpcException.ECLOSED, "request '" + type + "' to " + who.get()
                + ": the connection closed before the reply");
    }

    /**
     * Closes after what is queued went out (or {@link IpcConfig#flushTimeout}).
     *
     * @return completes when closed
     */
    public CompletableFuture<Void> close() {
        closedHere = true;
        return channel.closeAfterFlush(config.flushTimeout().toNanos());
    }

    /** Closes now, failing what is queued (a server stopping while a TLS handshake is under way). */
    public void closeNow() {
        closedHere = true;
        channel.close(null);
    }

    // ---- the channel's callbacks (I/O thread)

    @Override
    public void onOpen(Channel ch) {
        if (codec == null) {
            detectTimer = rt.transport().schedule(() -> {
                detectTimer = null;
                if (codec == null && decoder instanceof AutoFrameDecoder) {
                    onCodec(((AutoFrameDecoder) decoder).decide(codecs.fallback()));
                }
            }, config.wireDetectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        idle.start();
        owner.onConnectionOpen(this);
    }

    @Override
    public void onData(ByteBuffer data) {
        idle.received();
        if (decoder == null) {
            owner.onEvent("data", raw(data));
            owner.onReadDone();
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
                channel.closeAfterFlush(config.flushTimeout().toNanos());
            }
            return;
        }
        partial.afterRead();
        owner.onReadDone();
    }

    @Override
    public void onClose(Throwable cause) {
        owner.onConnectionClose(this, cause);
    }

    /**
     * Ends the connection's business once its channel closed: stops the guards, fails what waited for the codec and
     * the pending requests, and reports a frame cut short by the peer ({@code ETRUNCATED}).
     *
     * @param closedByThisSide true when this side closed it (a frame cut short then is not the peer's truncation)
     */
    public void release(boolean closedByThisSide) {
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
                codec = codecs.fallback();
            }
        }
        decided.complete(null);
        if (q != null) {
            for (Deferred d : q) {
                d.promise.completeExceptionally(new IpcException(IpcException.ECLOSED, "emit '" + d.out.type + "' to "
                        + who.get() + ": the connection closed before the client's codec was known"));
            }
        }
        pending.failAll(this::closedBeforeReply);
        if (decoder != null && !stopped && !closedHere && !closedByThisSide && !decoder.isFinished()
                && decoder.pendingBytes() > 0) {
            owner.onEvent("error", rt.errorMessage(new IpcException(IpcException.ETRUNCATED, who.get()
                    + ": connection closed inside a frame (" + decoder.pendingBytes() + " bytes pending)")));
        }
    }

    /**
     * Decodes one datagram of a UDP peer in the codec the wire mode names, or in AUTO mode the one its first byte
     * shows (a protobuf datagram starts with the preamble; else JSON frames); a malformed frame ends the datagram,
     * and the next one starts afresh.
     *
     * @param data the datagram
     */
    public void receiveDatagram(ByteBuffer data) {
        if (datagramDecoders == null) {
            owner.onEvent("data", raw(data));
            return;
        }
        WireCodec fixed = codecs.forWire(config.wire());
        WireCodec c = fixed != null ? fixed : codecs.detect(data);
        int i = codecs.indexOf(c);
        FrameDecoder d = datagramDecoders[i];
        if (d == null) {
            d = c.newDatagramDecoder(rt.codecContext());
            datagramDecoders[i] = d;
        }
        codec = c;
        d.decode(data, this);
        if (d.isFinished()) {
            datagramDecoders[i] = null; // UDP has no connection to close: start afresh with the next datagram
        }
    }

    private ReceivedMessage raw(ByteBuffer data) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        return ReceivedMessage.of("data", chunk, rawChunk, mapper);
    }

    // ---- the decoder's sink (I/O thread)

    /**
     * Moves what waited for the codec into the channel, then publishes the codec. Both happen under the lock that
     * {@link #send(OutboundMessage, boolean)} takes while the codec is unknown, and an emit that finds the codec
     * published writes straight to the channel: so every emit made before the decision is queued ahead of every emit
     * made after it, and each emitting thread's frames keep their order on the connection. The waiting frames were
     * counted against the high-water mark when they were taken, so they are queued as they are, each with its own
     * stage.
     */
    @Override
    public void onCodec(WireCodec chosen) {
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
    public void onFrame(String type, byte[] payload, PayloadFormat format, long rid, long re, byte[] error) {
        if (stopped) {
            return;
        }
        if (side == Side.DATAGRAM) {
            rid = 0; // no requests over UDP: the keys are ignored
        } else {
            partial.frameCompleted();
            if (re != 0) {
                pending.onReply(re, type, payload, format, error, mapper, who);
                return;
            }
        }
        if (refusedReserved(type)) {
            return;
        }
        if (side != Side.CLIENT && payload != null) {
            String pid = format.peerId(payload, mapper);
            if (pid != null) {
                peerId = pid;
            }
        }
        owner.onEvent(type, ReceivedMessage.of(type, payload, format, mapper, replier, rid)); // read only if asked
    }

    /** Reports a protocol error if the peer sent a built-in event name; true when it did. */
    private boolean refusedReserved(String type) {
        if (config.allowReservedEvents() || !reserved.test(type)) {
            return false;
        }
        protocolError((side == Side.CLIENT ? "server" : "peer") + " sent the built-in event name '" + type
                + "' (set allowReservedEvents to accept it)", IpcException.ERESERVED);
        return true;
    }

    @Override
    public boolean onMalformed(String code, String reason) {
        return protocolError(reason, code);
    }

    /**
     * Reports a protocol error as an 'error' event; unless skipMalformedFrames is set, later frames of a stream are
     * ignored and {@link #onData} closes it (a datagram's rest is dropped by its decoder).
     */
    private boolean protocolError(String reason, String code) {
        boolean skip = config.skipMalformedFrames();
        boolean datagram = side == Side.DATAGRAM;
        IpcException e = new IpcException(code, name.get() + ": " + reason + (skip ? "; frame skipped"
                : datagram ? "; rest of the datagram dropped" : "; closing the connection"));
        owner.onEvent("error", rt.errorMessage(e));
        if (!datagram) {
            stopped = !skip;
        }
        return skip;
    }
}
