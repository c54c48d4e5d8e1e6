package io.jipc.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A UDP socket on a {@link LoopTransport}: what both transports share about one ({@link LoopSocket}'s registration
 * and close, the {@link DatagramQueue}, and the flush that sends at the end of the turn or once writable again after
 * the kernel's send buffer was full). The transport supplies the receive, the send of what is queued (one datagram or
 * a batch a call) and the switch of write interest.
 */
public abstract class LoopDatagram extends LoopSocket implements IoLoop.DatagramEndpoint, LoopTransport.Flushable {
    private final InetSocketAddress local;
    /** Receives datagrams and errors. */
    protected final IoLoop.DatagramHandler handler;
    /** What waits to be sent. */
    protected final DatagramQueue outbound;

    /**
     * @param loop the owning transport
     * @param local the bound address
     * @param handler receives datagrams and errors
     */
    protected LoopDatagram(LoopTransport loop, InetSocketAddress local, IoLoop.DatagramHandler handler) {
        super(loop);
        this.local = local;
        this.handler = handler;
        this.outbound = new DatagramQueue(loop, this, this);
    }

    /** What one {@link #sendSome} did. */
    protected enum Sent {
        /** Datagrams went out or failed: the queue may hold more. */
        SOME,
        /** Nothing was queued. */
        NONE,
        /** The kernel's send buffer is full: what was taken is back at the head of the queue. */
        BLOCKED
    }

    /** Receives what is ready, handing each datagram to the handler (I/O thread). */
    protected abstract void receive();

    /**
     * Sends from the head of {@link #outbound} (one datagram or a batch), completing or failing each taken.
     *
     * @return what happened
     */
    protected abstract Sent sendSome();

    /** @return true while waiting for the socket to become writable */
    protected abstract boolean writeBlocked();

    /**
     * Switches interest in writability (reads stay on).
     *
     * @param on true while the kernel's send buffer is full
     * @throws IOException when the poller refuses the change (the handler is told, as a receive error)
     */
    protected abstract void setWriteBlocked(boolean on) throws IOException;

    private void watchWrites(boolean on) {
        try {
            setWriteBlocked(on);
        } catch (IOException e) {
            handler.onReceiveError(e);
        }
    }

    /**
     * Handles the socket's readiness (I/O thread): writable sends what is queued, readable receives.
     *
     * @param writable the socket became writable
     * @param readable datagrams (or an error) wait
     */
    protected final void onReady(boolean writable, boolean readable) {
        if (writable) {
            watchWrites(false);
            sendQueued();
        }
        if (isOpen() && readable) {
            receive();
        }
    }

    @Override
    public final InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public final void send(ByteBuffer datagram, InetSocketAddress target, CompletableFuture<Void> promise) {
        outbound.send(datagram, target, promise);
    }

    @Override
    public final void flush() {
        if (!isOpen() || writeBlocked()) {
            return; // waiting for writability: that path sends
        }
        sendQueued();
    }

    /** Sends queued datagrams until the queue is empty or the kernel's send buffer is full. */
    private void sendQueued() {
        while (isOpen()) {
            Sent s = sendSome();
            if (s == Sent.BLOCKED) {
                watchWrites(true);
                return;
            }
            if (s == Sent.NONE && outbound.flushDone()) {
                return;
            }
            // NONE but not done: a sender raced with the reset
        }
    }

    @Override
    final void record(boolean opened) {
        record(loop.datagrams, this, opened);
    }

    @Override
    final void afterClose() {
        outbound.failAll();
    }

    @Override
    public String toString() {
        return "datagram socket " + local;
    }
}
