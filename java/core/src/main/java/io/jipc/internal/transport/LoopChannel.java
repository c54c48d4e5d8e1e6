package io.jipc.internal.transport;

import io.jipc.IpcException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream channel on a {@link LoopTransport}, whatever the socket underneath: the write path (frames copied into the
 * loop's {@link FrameWriter}, written once per turn, write interest only while the kernel is full), drain-then-close,
 * and the close sequence that fails what is pending exactly once. Subclasses supply the kernel write, the write
 * interest switch and the release of the socket. Every method but those of {@link QueuedChannel} runs on the I/O
 * thread.
 */
public abstract class LoopChannel extends QueuedChannel implements LoopTransport.Flushable {
    private final LoopTransport loop;
    private final FrameWriter writer;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** Frames taken from the queue for a write (some bytes copied): no longer droppable. */
    private final ArrayDeque<PendingWrite> inflight = new ArrayDeque<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** The protocol side; set before {@link #finishOpen}. */
    protected ChannelHandler handler;
    /** The peer, or the target while connecting. */
    protected volatile SocketAddress remote;
    /** The peer's credentials, set when a Unix-domain connection is accepted. */
    protected volatile io.jipc.PeerCredentials credentials;
    private volatile boolean connected;
    private volatile boolean open = true;
    private boolean closeWhenDrained;
    private Cancellable drainTimer;

    /**
     * @param loop the owning transport
     * @param writer the loop's write buffer
     * @param handler the protocol side, or null until accepted
     * @param remote the peer or connect target, or null until known
     */
    protected LoopChannel(LoopTransport loop, FrameWriter writer, ChannelHandler handler, SocketAddress remote) {
        this.loop = loop;
        this.writer = writer;
        this.handler = handler;
        this.remote = remote;
    }

    /**
     * Writes from the buffer's position to its limit, advancing the position by what the kernel took.
     *
     * @param out the loop's direct write buffer
     * @throws IOException when the write fails (the channel is then closed with it)
     */
    protected abstract void kernelWrite(ByteBuffer out) throws IOException;

    /** @return true while waiting for the socket to become writable */
    protected abstract boolean writeBlocked();

    /**
     * Switches interest in writability (reads stay on).
     *
     * @param on true while the kernel's buffer is full
     */
    protected abstract void setWriteBlocked(boolean on);

    /** Stops polling the socket and closes it (once, from {@link #close}). */
    protected abstract void release();

    /**
     * Opens the socket and starts a non-blocking connect (I/O thread, from {@link #connect}).
     *
     * @param target the peer, resolved
     * @param local the local address to bind first, or null
     * @throws IOException when a step fails (the channel is then closed with it)
     */
    protected abstract void openAndConnect(SocketAddress target, SocketAddress local) throws IOException;

    /**
     * Starts connecting to {@link #remote}, always as a task on the I/O thread, so the caller holds the channel before
     * any handler callback arrives. There: nothing once closed; closes the channel when the loop is shutting down;
     * else resolves a host name left unresolved and hands over to {@link #openAndConnect}. A failure closes the
     * channel with it.
     *
     * @param local the local address to bind first, or null
     */
    public final void connect(SocketAddress local) {
        loop.execute(() -> startConnect(local));
    }

    private void startConnect(SocketAddress local) {
        if (!open) {
            return;
        }
        if (loop.shuttingDown) {
            close(new IOException("the jipc I/O thread is shutting down"));
            return;
        }
        try {
            openAndConnect(resolved(remote), local);
        } catch (IOException e) {
            close(e);
        }
    }

    /**
     * @param address a connect target
     * @return the address, its host name resolved now when it was left unresolved
     * @throws java.net.UnknownHostException when the name does not resolve
     */
    private static SocketAddress resolved(SocketAddress address) throws java.net.UnknownHostException {
        if (!(address instanceof InetSocketAddress) || !((InetSocketAddress) address).isUnresolved()) {
            return address;
        }
        InetSocketAddress u = (InetSocketAddress) address;
        InetSocketAddress target = new InetSocketAddress(u.getHostString(), u.getPort());
        if (target.isUnresolved()) {
            throw new java.net.UnknownHostException(u.getHostString());
        }
        return target;
    }

    /** Marks the channel connected, tells the handler, then writes what was queued meanwhile. */
    protected final void finishOpen() {
        connected = true;
        handler.onOpen(this);
        if (open) {
            flush();
        }
    }

    /** The socket became writable again: write what is pending. */
    protected final void onWritable() {
        doWrite();
    }

    /**
     * Writes what is queued. {@code flushScheduled} stays set while this channel has a flush pending (queued, not
     * yet connected, or waiting for writability), so writers from other threads enqueue without waking the loop.
     */
    @Override
    public final void flush() {
        if (!open || !connected || writeBlocked()) {
            return; // connecting (finishOpen flushes) or waiting for writability (that path writes)
        }
        doWrite();
    }

    /** Writes queued frames through the loop's buffer until the queue is empty or the kernel buffer is full. */
    private void doWrite() {
        while (open) {
            ByteBuffer out = writer.fill(inflight, this);
            if (!out.hasRemaining()) {
                writer.written();
                completeWritten(); // zero-length writes
                if (writeBlocked()) {
                    setWriteBlocked(false);
                }
                flushScheduled.set(false);
                if (!queueEmpty() && flushScheduled.compareAndSet(false, true)) {
                    continue; // a writer raced with the reset: go round again
                }
                if (closeWhenDrained) {
                    close(null);
                }
                return;
            }
            try {
                kernelWrite(out);
            } catch (IOException e) {
                writer.written();
                close(e);
                return;
            }
            boolean partial = out.hasRemaining();
            writer.written();
            completeWritten();
            if (partial) {
                if (!writeBlocked()) {
                    setWriteBlocked(true);
                }
                return;
            }
        }
    }

    private void completeWritten() {
        while (!inflight.isEmpty() && !inflight.peekFirst().buf.hasRemaining()) {
            PendingWrite done = inflight.pollFirst();
            counter.release(done.size);
            if (done.promise != null) {
                done.promise.complete(null);
            }
            recycle(done);
        }
    }

    @Override
    public io.jipc.PeerCredentials peerCredentials() {
        return credentials;
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    @Override
    public final boolean isConnected() {
        return connected && open;
    }

    @Override
    public final SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public final CompletableFuture<Void> closeAfterFlush(long timeoutNanos) {
        closing = true;
        loop.execute(() -> {
            if (!open) {
                return;
            }
            closeWhenDrained = true;
            if (connected && inflight.isEmpty() && queueEmpty()) {
                close(null);
                return;
            }
            drainTimer = loop.schedule(() -> close(new IpcException(IpcException.ETIMEDOUT, "closing" + named(remote)
                    + ": queued data was not flushed within the flush timeout")), timeoutNanos,
                    TimeUnit.NANOSECONDS);
            if (connected) {
                flush();
            }
        });
        return closed;
    }

    @Override
    public final void close(Throwable cause) {
        if (!loop.inLoop()) {
            loop.execute(() -> close(cause));
            return;
        }
        if (closed.isDone()) {
            return;
        }
        open = false;
        release();
        if (drainTimer != null) {
            drainTimer.cancel();
        }
        failAll(inflight::poll, cause);
        failQueued(cause);
        counter.close();
        closed.complete(null);
        if (handler != null) {
            handler.onClose(cause);
        }
    }

    @Override
    protected final void scheduleFlush() {
        loop.requestFlush(this, flushScheduled);
    }

    @Override
    protected final void failWrite(CompletableFuture<Void> promise, Throwable cause) {
        if (promise != null) {
            String why = cause == null ? "" : ": " + cause.getMessage();
            promise.completeExceptionally(new IpcException(IpcException.ECLOSED, "connection" + named(remote)
                    + " closed before the data was written" + why, cause));
        }
    }

    /**
     * @param address a peer address, or null
     * @return " " and the address, or "" when it has no name (an accepted Unix socket's peer is unnamed)
     */
    static String named(SocketAddress address) {
        String text = address == null ? "" : address.toString();
        return text.isEmpty() ? "" : " " + text;
    }

    @Override
    public String toString() {
        return "channel" + named(remote);
    }
}
