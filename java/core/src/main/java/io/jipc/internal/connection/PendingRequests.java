package io.jipc.internal.connection;

import io.jipc.IpcException;
import io.jipc.Message;
import io.jipc.internal.transport.Cancellable;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.internal.ReceivedMessage;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.internal.Stages;
import io.jipc.internal.transport.IoLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The requests one connection (or client) sent and still waits on, by correlation id. Thread-safe. */
public final class PendingRequests {
    /** Largest id: 2^53-1, exact in JavaScript. */
    static final long MAX_ID = (1L << 53) - 1;

    private static final class Entry {
        final String type;
        final CompletableFuture<Message> future = new CompletableFuture<>();
        volatile Cancellable timer;

        Entry(String type) {
            this.type = type;
        }
    }

    private final ConcurrentHashMap<Long, Entry> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** @return a fresh id, 1 .. 2^53-1 */
    public long nextId() {
        long id = ids.incrementAndGet();
        if (id > MAX_ID) {
            ids.compareAndSet(id, 1);
            return nextId();
        }
        return id;
    }

    /**
     * @param id the request's id
     * @param type its type, for messages
     * @param timeout how long to wait
     * @param loop schedules the timeout
     * @param who names the peer, e.g. "socket 2 (/tmp/app.world)"
     * @return the stage the reply completes
     */
    public CompletableFuture<Message> add(long id, String type, Duration timeout, IoLoop loop, Supplier<String> who) {
        Entry e = new Entry(type);
        waiting.put(id, e);
        e.timer = loop.schedule(() -> fail(id, new IpcException(IpcException.ETIMEDOUT, "request '" + type + "' to "
                + who.get() + ": no reply within " + timeout)), timeout.toNanos(), TimeUnit.NANOSECONDS);
        e.future.whenComplete((m, x) -> {
            waiting.remove(id, e);
            Cancellable t = e.timer;
            if (t != null) {
                t.cancel();
            }
        });
        return e.future;
    }

    /** @return true when a request was waiting for this reply */
    boolean complete(long re, Message reply) {
        Entry e = waiting.get(re);
        return e != null && e.future.complete(reply);
    }

    /** Fails the request with a peer's error reply. */
    private boolean completeWithError(long re, String code, String message, Supplier<String> who) {
        Entry e = waiting.get(re);
        return e != null && e.future.completeExceptionally(new IpcException(IpcException.EREMOTE,
                "request '" + e.type + "' to "
                + who.get() + " failed at the peer: " + code + ": " + message));
    }

    /**
     * A reply frame (one with {@code re}): completes that request with the data, or fails it with the peer's error.
     */
    void onReply(long re, String type, byte[] payload, PayloadFormat format, byte[] error, ObjectMapper mapper,
            Supplier<String> who) {
        if (error != null) {
            PayloadFormat.RemoteError err = format.remoteError(error, mapper);
            completeWithError(re, err.code(), err.message(), who);
        } else {
            complete(re, ReceivedMessage.of(type, payload, format, mapper));
        }
    }

    /**
     * Ties a request's frame to its reply: the request fails when its frame was not sent, and a frame still waiting
     * for room (under {@code Backpressure.BLOCK}) is withdrawn once the request ended without it (timed out or
     * cancelled by the caller), so a request never goes out after its caller stopped waiting.
     *
     * @param id the request's id
     * @param reply the future {@link #add} returned for it
     * @param accepted the frame's send: completes with its write stage once the frame is queued
     */
    public void sendFor(long id, CompletableFuture<Message> reply, CompletableFuture<CompletionStage<Void>> accepted) {
        accepted.whenComplete((written, e) -> {
            if (e != null) {
                fail(id, Stages.cause(e));
                return;
            }
            written.whenComplete((v, e2) -> {
                if (e2 != null) {
                    fail(id, e2);
                }
            });
        });
        reply.whenComplete((m, e) -> accepted.cancel(false));
    }

    /**
     * Fails one waiting request (its frame could not be sent).
     *
     * @param id the request's id
     * @param cause why
     */
    public void fail(long id, Throwable cause) {
        Entry e = waiting.get(id);
        if (e != null) {
            e.future.completeExceptionally(cause);
        }
    }

    /**
     * Fails every waiting request (the connection closed).
     *
     * @param why makes the error from a request's type
     */
    public void failAll(java.util.function.Function<String, IpcException> why) {
        for (Map.Entry<Long, Entry> en : waiting.entrySet()) {
            en.getValue().future.completeExceptionally(why.apply(en.getValue().type));
        }
    }

    int size() {
        return waiting.size();
    }
}
