package io.jipc.internal.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.Executor;
import io.jipc.internal.loop.Cancellable;
import java.util.concurrent.TimeUnit;

/**
 * One I/O thread and the sockets it serves: the seam between jipc's protocol logic and a socket implementation
 * (pure-JDK NIO today; a native epoll/kqueue one can implement the same interface). Everything protocol-related
 * (framing, events, retry policy) stays above this interface.
 */
public interface Transport extends Executor, AutoCloseable {
    /** @return a short name for logs, e.g. "nio" */
    String name();

    /** @return true when called on this transport's I/O thread */
    boolean inLoop();

    /**
     * Runs a task on the I/O thread (from any thread; in order of submission).
     *
     * @param task the task
     */
    @Override
    void execute(Runnable task);

    /**
     * Runs a task on the I/O thread after a delay.
     *
     * @param task the task
     * @param delay the delay
     * @param unit its unit
     * @return a handle to cancel it
     */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /**
     * Binds and listens (on the calling thread, so bind errors surface to the caller), then accepts on the I/O
     * thread.
     *
     * @param address a UnixDomainSocketAddress or a resolved InetSocketAddress
     * @param backlog listen backlog
     * @param handler receives accepted channels
     * @return the listener
     * @throws IOException when binding fails
     */
    Listener listen(SocketAddress address, int backlog, AcceptHandler handler) throws IOException;

    /**
     * Starts a non-blocking connect; the outcome arrives on the I/O thread through the handler
     * ({@link ChannelHandler#onOpen} or {@link ChannelHandler#onClose} with the cause).
     *
     * @param remote a UnixDomainSocketAddress or an InetSocketAddress (resolved here if unresolved)
     * @param local local address to bind first, or null
     * @param handler the channel's handler
     * @return the channel, already usable for writes (they go out once connected)
     */
    Channel connect(SocketAddress remote, SocketAddress local, ChannelHandler handler);

    /** Closes every channel and listener, then ends the I/O thread (waits for it unless called on it). */
    @Override
    void close();

    /** A listening socket. */
    interface Listener {
        /** @return the bound address */
        SocketAddress localAddress();

        /** Stops accepting and closes the listening socket (idempotent). */
        void close();
    }

    /** Receives accepted connections on the I/O thread. */
    interface AcceptHandler {
        /**
         * @param channel the new connection
         * @return its handler
         */
        ChannelHandler onAccept(Channel channel);

        /**
         * accept() failed (e.g. out of file descriptors); accepting pauses briefly and resumes.
         *
         * @param error the failure
         */
        void onAcceptError(IOException error);
    }
}
