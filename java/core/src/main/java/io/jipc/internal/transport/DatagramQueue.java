package io.jipc.internal.transport;

import io.jipc.IpcException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The send side every UDP endpoint shares, whatever system call sends: datagrams queued by any thread, one flush per
 * loop turn requested from the owning {@link LoopTransport}, and how a datagram that cannot go out fails its promise
 * ({@code ECLOSED} when the socket closed first, {@code EMSGSIZE} when over UDP's limit, else {@code EIO}). The
 * endpoint's flush takes datagrams from here ({@link #peek}, {@link #poll}) and sends them its own way.
 */
public final class DatagramQueue {
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final LoopTransport loop;
    private final IoLoop.DatagramEndpoint endpoint;
    private final LoopTransport.Flushable flusher;

    /**
     * @param loop the endpoint's transport
     * @param endpoint the endpoint (its {@code isOpen} decides whether a datagram is still taken)
     * @param flusher what the loop calls at the end of the turn to send (usually the endpoint itself)
     */
    public DatagramQueue(LoopTransport loop, IoLoop.DatagramEndpoint endpoint, LoopTransport.Flushable flusher) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.flusher = flusher;
    }

    /** One datagram waiting to be sent. */
    public static final class Pending {
        /** The payload, position..limit. */
        public final ByteBuffer buf;
        /** Where it goes. */
        public final InetSocketAddress target;
        /** Completed once sent, or failed; may be null. */
        public final CompletableFuture<Void> promise;

        Pending(ByteBuffer buf, InetSocketAddress target, CompletableFuture<Void> promise) {
            this.buf = buf;
            this.target = target;
            this.promise = promise;
        }
    }

    /**
     * Queues a datagram and asks for a flush (from any thread); fails it at once when the endpoint is closed.
     *
     * @param datagram the payload, position..limit
     * @param target a resolved address
     * @param promise completed once sent; may be null
     */
    public void send(ByteBuffer datagram, InetSocketAddress target, CompletableFuture<Void> promise) {
        if (!endpoint.isOpen()) {
            fail(promise, target, null, false);
            return;
        }
        queue.add(new Pending(datagram, target, promise));
        if (!endpoint.isOpen()) {
            failAll(); // close raced with the add: close's own failAll may have run before it
            return;
        }
        loop.requestFlush(flusher, flushScheduled);
    }

    /** @return the next datagram to send, left queued, or null */
    public Pending peek() {
        return queue.peek();
    }

    /** @return the next datagram, taken off the queue, or null */
    public Pending poll() {
        return queue.poll();
    }

    /**
     * Called by a flush that found the queue empty.
     *
     * @return true when the flush is over; false when a sender queued in the meantime and the flush must go on
     */
    public boolean flushDone() {
        flushScheduled.set(false);
        return queue.isEmpty() || !flushScheduled.compareAndSet(false, true);
    }

    /**
     * Puts datagrams taken off the queue but not sent back at its head, in order (e.g. after the kernel's send
     * buffer filled mid-batch). On the I/O thread only.
     *
     * @param unsent the datagrams, in their original order
     */
    public void requeue(List<Pending> unsent) {
        if (unsent.isEmpty()) {
            return;
        }
        List<Pending> rest = new ArrayList<>(unsent.size() + queue.size());
        rest.addAll(unsent);
        Pending p;
        while ((p = queue.poll()) != null) {
            rest.add(p);
        }
        queue.addAll(rest);
    }

    /**
     * @param p a datagram the kernel took
     */
    public static void sent(Pending p) {
        if (p.promise != null) {
            p.promise.complete(null);
        }
    }

    /** Fails every queued datagram with {@code ECLOSED} (the endpoint closed). */
    public void failAll() {
        Pending p;
        while ((p = queue.poll()) != null) {
            fail(p.promise, p.target, null, false);
        }
    }

    /**
     * Fails one datagram.
     *
     * @param p the datagram
     * @param cause why it was not sent
     * @param tooBig the cause is that it is over UDP's limit ({@code EMSGSIZE})
     */
    public void fail(Pending p, Throwable cause, boolean tooBig) {
        fail(p.promise, p.target, cause, tooBig);
    }

    private void fail(CompletableFuture<Void> promise, InetSocketAddress target, Throwable cause, boolean tooBig) {
        if (promise == null) {
            return;
        }
        InetSocketAddress local = endpoint.localAddress();
        if (cause == null) {
            promise.completeExceptionally(new IpcException(IpcException.ECLOSED, "send to " + target
                    + ": the UDP socket " + local + " closed before the datagram was sent"));
            return;
        }
        String msg = cause instanceof RuntimeException && cause.getMessage() == null
                ? cause.getClass().getSimpleName() : String.valueOf(cause.getMessage());
        promise.completeExceptionally(new IpcException(tooBig ? IpcException.EMSGSIZE : IpcException.EIO,
                "send to " + target + " from " + local + ": " + msg, cause));
    }
}
