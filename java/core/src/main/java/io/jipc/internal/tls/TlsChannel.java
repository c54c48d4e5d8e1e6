package io.jipc.internal.tls;

import io.jipc.IpcException;
import io.jipc.internal.transport.Addresses;
import io.jipc.internal.transport.Cancellable;
import io.jipc.internal.transport.Channel;
import io.jipc.internal.transport.ChannelHandler;
import io.jipc.internal.transport.PendingWrite;
import io.jipc.internal.transport.QueuedChannel;
import io.jipc.internal.transport.IoLoop;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS between a stream channel and the protocol: to the protocol it is a {@link Channel} carrying plaintext; to the
 * transport it is the {@link ChannelHandler} of the ciphertext channel. Everything runs on the I/O thread (writes
 * from other threads are queued and handed over once per loop turn); the engine's delegated tasks run inline. The
 * protocol's {@code onOpen} fires once the handshake finished, so {@code connect} means "TLS is up". A handshake or
 * record failure closes the connection with an {@link IpcException} naming the reason ({@link TlsErrors}); so does a
 * handshake still unfinished {@code handshakeTimeout} after the ciphertext channel opened ({@code ETIMEDOUT}).
 */
public final class TlsChannel extends QueuedChannel implements ChannelHandler {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Most queued frames wrapped per call (a TLS record carries at most 16 KiB of them). */
    private static final int MAX_GATHER = 64;
    /** Most plaintext one TLS record carries. */
    private static final int MAX_RECORD_PLAINTEXT = 16 * 1024;
    /**
     * Ciphertext allowed to wait in the underlying channel: beyond it, plaintext stays queued here unwrapped, where
     * the high-water mark counts it and {@code DROP_OLDEST} can still drop it (a sealed record cannot be dropped).
     */
    private static final long WRAP_WINDOW_BYTES = 256 * 1024;

    private final IoLoop loop;
    private final SSLEngine engine;
    private final boolean client;
    private final SocketAddress target;
    private final long handshakeTimeoutNanos;
    private ChannelHandler app;
    private Channel raw;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private final ArrayDeque<PendingWrite> wrapping = new ArrayDeque<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Set while plaintext waits for the ciphertext channel to drain below the window; a record's end resumes. */
    private boolean waitingForRaw;
    private volatile boolean open = true;
    private volatile boolean handshakeDone;
    private boolean started;
    private boolean closeWhenDrained;
    private long drainTimeoutNanos;
    private Cancellable drainTimer;
    /** Bounds the handshake: armed when the ciphertext channel opens, cancelled when it finishes or closes. */
    private Cancellable handshakeTimer;
    /** The TLS failure being reported while its alert is flushed. */
    private IpcException failure;
    /**
     * Set once close_notify (or an alert) was wrapped: the engine takes no more application data. A write that raced
     * with the close and was queued after it fails as closed instead of being wrapped (the engine would consume none
     * of it, and the flush would retry it forever).
     */
    private boolean outboundClosed;


    /**
     * @param loop the transport whose I/O thread runs this channel
     * @param engine a fresh engine, client or server mode already set
     * @param target the peer (for messages before the channel connects)
     * @param handshakeTimeout how long the handshake may take once the ciphertext channel is open (accepted, or
     *     connected); when it has not finished by then, the connection closes with {@code ETIMEDOUT}
     * @param app the protocol handler, or null to set later with {@link #handler}
     */
    public TlsChannel(IoLoop loop, SSLEngine engine, SocketAddress target, java.time.Duration handshakeTimeout,
            ChannelHandler app) {
        this.loop = loop;
        this.engine = engine;
        this.client = engine.getUseClientMode();
        this.target = target;
        this.handshakeTimeoutNanos = handshakeTimeout.toNanos();
        this.app = app;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(packet);
    }

    /**
     * @param handler the protocol handler (for accepted connections, known only after accept)
     * @return this
     */
    public TlsChannel handler(ChannelHandler handler) {
        this.app = handler;
        return this;
    }

    /** @param channel the ciphertext channel (client side: as returned by connect, before any callback) */
    public void attach(Channel channel) {
        if (raw == null) {
            raw = channel;
        }
    }

    // ---------------------------------------------------------------- ciphertext side (I/O thread)

    @Override
    public void onOpen(Channel channel) {
        raw = channel;
        started = true;
        handshakeTimer = loop.schedule(this::handshakeTimedOut, handshakeTimeoutNanos, TimeUnit.NANOSECONDS);
        try {
            engine.beginHandshake();
            pump();
        } catch (SSLException | RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void onData(ByteBuffer data) {
        try {
            while (data.hasRemaining() && open) {
                if (!netIn.hasRemaining()) {
                    netIn = grow(netIn, netIn.capacity() * 2);
                }
                int n = Math.min(netIn.remaining(), data.remaining());
                netIn.put(netIn.position(), data, data.position(), n);
                netIn.position(netIn.position() + n);
                data.position(data.position() + n);
                pump();
            }
        } catch (SSLException | RuntimeException e) {
            fail(e);
        }
        data.position(data.limit());
    }

    @Override
    public void onClose(Throwable cause) {
        Throwable why = failure != null ? failure : cause;
        if (why == null && started && !handshakeDone) {
            why = new IpcException(IpcException.ETLS, "TLS handshake with " + Addresses.describe(remoteAddress())
                    + ": the peer closed the connection before the handshake finished");
        }
        open = false;
        if (drainTimer != null) {
            drainTimer.cancel();
        }
        cancelHandshakeTimer();
        failQueued(why);
        counter.close();
        closed.complete(null);
        if (app != null) {
            app.onClose(why);
        }
    }

    /** Runs the engine until it needs more input: handshake steps, received records, queued writes. */
    private void pump() throws SSLException {
        while (open) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                continue;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                wrap(new ByteBuffer[] {EMPTY}, null);
                if (engine.isOutboundDone()) {
                    raw.closeAfterFlush(TimeUnit.SECONDS.toNanos(1));
                    return;
                }
                continue;
            }
            if (!handshakeDone && hs == HandshakeStatus.NOT_HANDSHAKING && started) {
                finishHandshake();
                continue;
            }
            if (netIn.position() == 0 || !unwrap()) {
                break;
            }
        }
        if (open && handshakeDone) {
            writeQueued();
        }
    }

    private void finishHandshake() {
        handshakeDone = true;
        cancelHandshakeTimer();
        app.onOpen(this);
    }

    /**
     * The handshake did not finish within handshakeTimeout: the connection closes at once (no alert: a peer that
     * stalls its handshake may not read either), reporting {@code ETIMEDOUT} to the protocol's {@code onClose}.
     */
    private void handshakeTimedOut() {
        handshakeTimer = null;
        if (!open || handshakeDone || failure != null) {
            return;
        }
        failure = new IpcException(IpcException.ETIMEDOUT, "TLS handshake with " + (client ? "server " : "client ")
                + Addresses.describe(remoteAddress()) + ": not finished within handshakeTimeout "
                + java.time.Duration.ofNanos(handshakeTimeoutNanos) + " (a stalled or silent peer); closing the "
                + "connection");
        raw.close(null);
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    /** @return true when progress was made */
    private boolean unwrap() throws SSLException {
        netIn.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW:
                int need = engine.getSession().getPacketBufferSize();
                if (netIn.capacity() < need) {
                    netIn = grow(netIn, need);
                }
                return false;
            case BUFFER_OVERFLOW:
                appIn = grow(appIn, Math.max(appIn.capacity() * 2, engine.getSession().getApplicationBufferSize()));
                return true;
            case CLOSED:
                deliver();
                if (open) {
                    raw.closeAfterFlush(TimeUnit.SECONDS.toNanos(1)); // peer sent close_notify: orderly close
                }
                return false;
            default:
                if (r.getHandshakeStatus() == HandshakeStatus.FINISHED && !handshakeDone) {
                    finishHandshake();
                }
                deliver();
                return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
        }
    }

    private void deliver() {
        if (appIn.position() == 0 || !open) {
            return;
        }
        if (!handshakeDone) {
            finishHandshake(); // TLS 1.3: application data may follow the peer's Finished in the same read
        }
        appIn.flip();
        app.onData(appIn);
        appIn.clear();
    }

    /** Wraps sources into one or more records and hands them to the ciphertext channel. */
    private SSLEngineResult.Status wrap(ByteBuffer[] src, CompletableFuture<Void> promise) throws SSLException {
        while (true) {
            netOut.clear();
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2,
                        engine.getSession().getPacketBufferSize()));
                continue;
            }
            netOut.flip();
            if (netOut.hasRemaining()) {
                ByteBuffer record = ByteBuffer.allocate(netOut.remaining());
                record.put(netOut).flip();
                raw.write(record, promise);
            } else if (promise != null) {
                promise.complete(null);
            }
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED && !handshakeDone) {
                finishHandshake();
            }
            return r.getStatus();
        }
    }

    private void writeQueued() throws SSLException {
        if (outboundClosed || engine.isOutboundDone()) {
            flushScheduled.set(false);
            failQueued(null);
            return;
        }
        while (open) {
            if (raw.pendingBytes() >= WRAP_WINDOW_BYTES) {
                waitingForRaw = true; // flushScheduled stays set: the next record written resumes (onRecordDone)
                return;
            }
            // take only what one record holds, so the rest stays in outbound where DROP_OLDEST can drop it
            long gathered = 0;
            for (PendingWrite q : wrapping) {
                gathered += q.buf.remaining();
            }
            PendingWrite p;
            while (wrapping.size() < MAX_GATHER && gathered < MAX_RECORD_PLAINTEXT && (p = poll()) != null) {
                wrapping.add(p);
                gathered += p.size;
            }
            if (wrapping.isEmpty()) {
                break;
            }
            int n = Math.min(MAX_GATHER, wrapping.size());
            ByteBuffer[] src = new ByteBuffer[n];
            int i = 0;
            for (PendingWrite q : wrapping) {
                if (i == n) {
                    break;
                }
                src[i++] = q.buf;
            }
            CompletableFuture<Void> record = new CompletableFuture<>();
            if (wrap(src, record) == SSLEngineResult.Status.CLOSED) {
                outboundClosed = true; // the engine closed its side (close_notify sent): nothing more goes out
                flushScheduled.set(false);
                failQueued(null);
                return;
            }
            List<PendingWrite> done = new ArrayList<>();
            while (!wrapping.isEmpty() && !wrapping.peekFirst().buf.hasRemaining()) {
                done.add(wrapping.pollFirst());
            }
            record.whenComplete((ok, failure) -> {
                for (PendingWrite d : done) {
                    counter.release(d.size);
                    if (d.promise == null) {
                        continue;
                    }
                    if (failure == null) {
                        d.promise.complete(null);
                    } else {
                        d.promise.completeExceptionally(failure);
                    }
                }
                onRecordDone();
            });
        }
        flushScheduled.set(false);
        if (!queueEmpty() && flushScheduled.compareAndSet(false, true)) {
            loop.execute(this::flushFromLoop);
            return;
        }
        if (closeWhenDrained) {
            closeOutbound();
        }
    }

    /** A record reached the kernel (or failed): resume wrapping if it waited for the window. */
    private void onRecordDone() {
        if (waitingForRaw && open) {
            waitingForRaw = false;
            loop.execute(this::flushFromLoop);
        }
    }

    private void flushFromLoop() {
        if (!open || !handshakeDone) {
            flushScheduled.set(false);
            return; // the handshake's end writes what is queued
        }
        try {
            writeQueued();
        } catch (SSLException | RuntimeException e) {
            fail(e);
        }
    }

    private void closeOutbound() {
        closeWhenDrained = false;
        sendCloseNotify();
        raw.closeAfterFlush(drainTimeoutNanos);
    }

    /** Wraps what the engine still has to say (close_notify, or the alert after a failed handshake). */
    private void sendCloseNotify() {
        outboundClosed = true;
        engine.closeOutbound();
        try {
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                wrap(new ByteBuffer[] {EMPTY}, null);
            }
        } catch (SSLException | RuntimeException e) {
            // nothing more can be written: close anyway
        }
    }

    /** Closes after a TLS failure, first sending the engine's alert so the peer learns why. */
    private void fail(Throwable e) {
        IpcException err = TlsErrors.of(e, client, remoteAddress());
        if (raw == null) {
            onClose(err);
            return;
        }
        if (failure != null || !open) {
            return;
        }
        failure = err;
        sendCloseNotify();
        raw.closeAfterFlush(TimeUnit.SECONDS.toNanos(1));
    }

    private static ByteBuffer grow(ByteBuffer b, int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, b.capacity()));
        b.flip();
        bigger.put(b);
        return bigger;
    }

    // ---------------------------------------------------------------- plaintext side (protocol)

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isConnected() {
        return open && handshakeDone;
    }

    @Override
    public SocketAddress remoteAddress() {
        Channel r = raw;
        return r != null ? r.remoteAddress() : target;
    }

    @Override
    public CompletableFuture<Void> closeAfterFlush(long timeoutNanos) {
        closing = true;
        loop.execute(() -> {
            if (!open) {
                return;
            }
            drainTimeoutNanos = timeoutNanos;
            if (!handshakeDone) {
                if (raw == null) {
                    onClose(null);
                    return;
                }
                closeWhenDrained = true;
                drainTimer = loop.schedule(() -> raw.close(new IpcException(IpcException.ETIMEDOUT, "closing "
                        + Addresses.describe(remoteAddress()) + ": the TLS handshake and queued data did not "
                        + "finish within the flush timeout")), timeoutNanos, TimeUnit.NANOSECONDS);
                return;
            }
            closeWhenDrained = true;
            flushFromLoop();
            if (closeWhenDrained && open && !flushScheduled.get()) {
                closeOutbound();
            }
        });
        return closed;
    }

    @Override
    public void close(Throwable cause) {
        if (!loop.inLoop()) {
            loop.execute(() -> close(cause));
            return;
        }
        if (!open && closed.isDone()) {
            return;
        }
        if (raw != null) {
            raw.close(cause);
        } else {
            onClose(cause);
        }
    }

    @Override
    protected void scheduleFlush() {
        if (flushScheduled.compareAndSet(false, true)) {
            loop.execute(this::flushFromLoop);
        }
    }

    @Override
    protected void failQueued(Throwable cause) {
        failAll(wrapping::poll, cause); // taken for the record being wrapped: older than the queue's
        super.failQueued(cause);
    }

    @Override
    protected void failWrite(CompletableFuture<Void> promise, Throwable cause) {
        if (promise != null) {
            String why = cause == null ? "" : ": " + cause.getMessage();
            promise.completeExceptionally(new IpcException(IpcException.ECLOSED, "TLS connection "
                    + Addresses.describe(remoteAddress()) + " closed before the data was written" + why, cause));
        }
    }

    @Override
    public String toString() {
        return "tls channel " + remoteAddress();
    }
}
