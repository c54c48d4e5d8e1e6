package io.jipc.internal.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A listening socket on a {@link LoopTransport}: what both transports share about one ({@link LoopSocket}'s
 * registration and close, and a pause after a failed accept). The transport supplies the accept loop and the switch
 * of its interest in new connections.
 */
public abstract class LoopListener extends LoopSocket implements IoLoop.Listener {
    /** Connections accepted per readiness event at the most, so one busy listener cannot hold the loop. */
    protected static final int MAX_ACCEPTS_PER_TURN = 64;
    private static final long ACCEPT_PAUSE_MS = 100;

    private final SocketAddress local;
    /** Receives accepted connections and accept errors. */
    protected final IoLoop.AcceptHandler handler;

    /**
     * @param loop the owning transport
     * @param local the bound address
     * @param handler receives accepted connections
     */
    protected LoopListener(LoopTransport loop, SocketAddress local, IoLoop.AcceptHandler handler) {
        super(loop);
        this.local = local;
        this.handler = handler;
    }

    /**
     * Switches interest in new connections (I/O thread).
     *
     * @param on false to stop accepting for a while
     * @throws IOException when the poller refuses the change
     */
    protected abstract void setAccepting(boolean on) throws IOException;

    /**
     * An accept failed (typically {@code EMFILE}): stops accepting for a moment instead of spinning on a ready
     * socket, then tells the handler.
     *
     * @param error the failure
     */
    protected final void acceptFailed(IOException error) {
        pause();
        handler.onAcceptError(error);
    }

    private void pause() {
        try {
            setAccepting(false);
        } catch (IOException e) {
            return; // cannot pause: the next turn retries the accept
        }
        loop.schedule(() -> {
            if (isOpen()) {
                try {
                    setAccepting(true);
                } catch (IOException e) {
                    loop.log(System.Logger.Level.ERROR,
                            "cannot resume accepting on " + local + ": " + e.getMessage());
                }
            }
        }, ACCEPT_PAUSE_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public final SocketAddress localAddress() {
        return local;
    }

    @Override
    final void record(boolean opened) {
        record(loop.listeners, this, opened);
    }

    @Override
    public String toString() {
        return "listener " + local;
    }
}
