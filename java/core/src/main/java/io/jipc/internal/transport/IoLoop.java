package io.jipc.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One I/O thread and the sockets it serves: the seam between jipc's protocol logic and a socket implementation
 * ({@link NioTransport} here, the native one in jipc-native, both built on {@link LoopTransport}). Everything
 * protocol-related (framing, events, retry policy) stays above this interface. Not to be confused with the public
 * {@link io.jipc.Transport}, which only names the choice between implementations.
 */
public interface IoLoop extends Executor, AutoCloseable {
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
     * @param afterBind run on the calling thread right after the bind, before anything is accepted (e.g. to set
     *        the socket file's mode); if it throws, the listener is closed and the exception propagates; may be null
     * @return the listener
     * @throws IOException when binding fails or {@code afterBind} fails
     */
    Listener listen(SocketAddress address, int backlog, AcceptHandler handler, BindHook afterBind)
            throws IOException;

    /** Work done between bind and the first accept. */
    @FunctionalInterface
    interface BindHook {
        /**
         * @param bound the address actually bound
         * @throws IOException to abandon the listener
         */
        void bound(SocketAddress bound) throws IOException;
    }

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

    /**
     * Binds a datagram (UDP) socket on the calling thread, so bind errors surface to the caller, then receives on the
     * I/O thread: each datagram is handed to the handler whole (receive buffers hold 64 KiB).
     *
     * @param local a resolved address to bind (port 0: the OS chooses)
     * @param family {@code INET} (udp4) or {@code INET6} (udp6)
     * @param handler receives datagrams and errors on the I/O thread
     * @return the bound endpoint
     * @throws IOException when binding fails
     */
    DatagramEndpoint bindDatagram(InetSocketAddress local, ProtocolFamily family, DatagramHandler handler)
            throws IOException;

    /** Closes every channel, listener and datagram endpoint, then ends the I/O thread (waits for it unless called on it). */
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

    /** A bound datagram socket. {@link #send} is thread-safe; datagrams go out in order, one per call. */
    interface DatagramEndpoint {
        /** @return the bound address */
        InetSocketAddress localAddress();

        /**
         * Queues one datagram.
         *
         * @param datagram the payload, position..limit; ownership passes to the endpoint
         * @param target a resolved address
         * @param promise completed once the kernel took the datagram, failed with the reason otherwise; may be null
         */
        void send(ByteBuffer datagram, InetSocketAddress target, CompletableFuture<Void> promise);

        /** @return true until closed */
        boolean isOpen();

        /** Closes the socket; queued datagrams fail (idempotent, from any thread). */
        void close();
    }

    /** Protocol side of a datagram endpoint; every method is called on the I/O thread. */
    interface DatagramHandler {
        /**
         * A datagram arrived. The buffer is only valid during the call; consume or copy.
         *
         * @param data the payload, position..limit
         * @param sender where it came from
         */
        void onDatagram(ByteBuffer data, InetSocketAddress sender);

        /**
         * Receiving failed (the endpoint stays open).
         *
         * @param error the failure
         */
        void onReceiveError(IOException error);
    }
}
