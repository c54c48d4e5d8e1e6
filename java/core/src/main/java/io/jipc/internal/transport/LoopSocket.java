package io.jipc.internal.transport;

import io.jipc.IpcException;
import java.io.IOException;

/**
 * A listening or datagram socket on a {@link LoopTransport}, whatever polls it: registration on the I/O thread (a
 * failure closes the socket and is {@code EIO} "cannot register ..."), the loop's record of what is open, and a close
 * that runs once on the I/O thread, or directly once the loop is gone. The transport supplies the {@link Handle}: the
 * few system calls that differ. {@link #isOpen} may be read from any thread.
 */
public abstract class LoopSocket {
    /** The owning transport. */
    protected final LoopTransport loop;
    private volatile boolean open = true;

    /** @param loop the owning transport */
    protected LoopSocket(LoopTransport loop) {
        this.loop = loop;
    }

    /** The transport's side of one socket: polling it and closing it. */
    public interface Handle {
        /**
         * Starts polling the socket (on the I/O thread).
         *
         * @throws IOException when the poller refuses it
         */
        void register() throws IOException;

        /** Stops polling the socket and closes it (on the I/O thread). */
        void release();

        /** Closes the socket, which nothing polls: registration failed, or the loop is gone. */
        void close();
    }

    /** @return this socket's handle (fixed once constructed) */
    protected abstract Handle handle();

    /**
     * Adds this socket to, or removes it from, the loop's record of open sockets (I/O thread).
     *
     * @param opened true once registered, false once closed
     */
    abstract void record(boolean opened);

    /**
     * @param registry the loop's record of open sockets of one kind
     * @param socket the socket
     * @param opened true to add it, false to remove it
     * @param <S> the kind
     */
    static <S> void record(java.util.Set<S> registry, S socket, boolean opened) {
        if (opened) {
            registry.add(socket);
        } else {
            registry.remove(socket);
        }
    }

    /** Runs on the I/O thread once the socket is closed, after it left the loop's record. */
    void afterClose() {
        // nothing by default
    }

    /** @return true until closed */
    public final boolean isOpen() {
        return open;
    }

    /**
     * Registers the socket on the I/O thread and waits for it; on failure the socket is closed.
     *
     * @throws IOException when the loop is shut down or does not answer, or registration failed (off the I/O thread)
     * @throws IpcException {@code EIO} when registration failed, called on the I/O thread
     */
    public final void start() throws IOException {
        try {
            loop.runAndWait(this::register);
        } catch (IOException e) {
            closeDirectly();
            throw e;
        }
    }

    private void register() {
        try {
            handle().register();
        } catch (IOException e) {
            closeDirectly();
            throw new IpcException(IpcException.EIO, "cannot register " + this + ": " + e.getMessage(), e);
        }
        record(true);
    }

    /** Closes the socket without the loop (idempotent): nothing polls it. */
    private void closeDirectly() {
        if (open) {
            open = false;
            handle().close();
        }
    }

    /** Stops polling and closes the socket (idempotent, from any thread). */
    public final void close() {
        if (!loop.inLoop()) {
            try {
                loop.runAndWait(this::close);
            } catch (IOException e) {
                closeDirectly(); // the loop is gone
            }
            return;
        }
        if (!open) {
            return;
        }
        open = false;
        handle().release();
        record(false);
        afterClose();
    }
}
