package io.jipc.internal.transport;

import io.jipc.IpcException;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/** A channel with no socket, for tests: the test plays the I/O thread with {@link #writeNext}. */
public final class TestChannel extends QueuedChannel {
    /** How often a flush was requested. */
    public int flushRequests;
    /** Cleared by {@link #close}. */
    public volatile boolean open = true;

    @Override
    protected void scheduleFlush() {
        flushRequests++;
    }

    @Override
    protected void failWrite(CompletableFuture<Void> promise, Throwable cause) {
        if (promise != null) {
            promise.completeExceptionally(new IpcException("ECLOSED", "closed"));
        }
    }

    /**
     * Takes the next write as the I/O thread would, writes it all, and completes it.
     *
     * @return its bytes, or null when nothing is queued
     */
    public byte[] writeNext() {
        PendingWrite p = poll();
        if (p == null) {
            return null;
        }
        byte[] out = new byte[p.buf.remaining()];
        p.buf.get(out);
        counter.release(p.size);
        p.promise.complete(null);
        return out;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isConnected() {
        return open;
    }

    @Override
    public SocketAddress remoteAddress() {
        return null;
    }

    @Override
    public CompletableFuture<Void> closeAfterFlush(long timeoutNanos) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close(Throwable cause) {
        open = false;
        failQueued(cause);
    }
}
