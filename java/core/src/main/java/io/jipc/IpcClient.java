package io.jipc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A connection to a server, made by {@link Ipc#connectTo} or {@link Ipc#connectToNet}: node-ipc's
 * {@code ipc.of[id]}.
 *
 * <p>Built-in events, in node-ipc's order: {@code connect} (connected; retries reset), {@code error} (connection
 * errors such as ECONNREFUSED, malformed frames), {@code disconnect} (every close, retry or not), {@code destroy}
 * (gave up: stopRetrying, maxRetries exhausted or {@link Ipc#disconnect}; after {@code disconnect}), {@code data}
 * in rawBuffer mode. Reconnects after {@link IpcConfig#retry} up to {@link IpcConfig#maxRetries} times.
 *
 * <p>Thread-safe: {@code on}, {@code off}, {@code emit} may be called from any thread.
 */
public interface IpcClient {
    /** @return the id this client was made with ({@code ipc.of[id]}) */
    String id();

    /** @return the current connection state */
    ConnectionState state();

    /**
     * Sends an event: node-ipc's {@code ipc.of[id].emit(type, data)}. While connecting, the frame is buffered and
     * sent once connected; while waiting to retry, or after destroy, the returned stage fails with
     * {@code ENOTCONNECTED}, as the write would be lost in node-ipc. In sync mode it is queued until the server
     * answered the previous one.
     *
     * @param type event type
     * @param data any value Jackson can write, a received {@link Message}, or null for none (sent as {@code {}});
     *     in rawBuffer mode {@code type} is written as text and data ignored, as in node-ipc
     * @return completes when the frame reached the kernel, or fails with the reason. Small frames emitted faster
     *     than the I/O thread writes them go out together and share one read-only stage, completed when all of
     *     them were written (so it may fail for a frame that was written when the connection breaks midway); each
     *     {@code toCompletableFuture()} call gives the caller a future of its own
     */
    CompletionStage<Void> emit(String type, Object data);

    /**
     * Sends an event with no data ({@code {}} on the wire, as node-ipc's {@code emit(type)}).
     *
     * @param type event type
     * @return as {@link #emit(String, Object)}
     */
    default CompletionStage<Void> emit(String type) {
        return emit(type, null);
    }

    /**
     * Sends an event without ever blocking the calling thread: the form of {@link #emit(String, Object)} for callers
     * that must not be parked, such as coroutines, event loops and handlers on the I/O thread (beyond node-ipc, which
     * buffers without bound). It differs from {@code emit} only under {@link Backpressure#BLOCK} when the connection
     * is at its {@link IpcConfig#highWaterMarkBytes high-water mark}: where {@code emit} parks its thread until the
     * frame fits, this returns at once and the frame waits for room holding no thread. Under the other policies, in
     * sync mode (which fails when full), before the first connection and while reconnecting with an
     * {@link IpcConfig#offlineQueue offline queue}, the frame is queued or refused at once, as {@code emit} does.
     *
     * <p>Two stages tell what happened. The returned one completes when the frame is <em>accepted</em>, with the
     * frame's write stage (the stage {@code emit} returns: it completes when the frame reached the kernel). An accepted
     * frame goes out unless the connection closes first (its write stage then fails with {@code ECLOSED}); no other
     * event drops it ({@link Backpressure#DROP_OLDEST} aside). Until it is accepted it can be withdrawn:
     * {@code cancel} on the returned future returns true when the frame was withdrawn, and it is then never sent;
     * false once it was accepted. When the returned future fails, the frame was not sent: {@code ECLOSED} when the
     * connection closed while it waited, or what {@code emit} fails with at once ({@code EDATA}, {@code ECLOSED},
     * {@code EBACKPRESSURE} under {@link Backpressure#FAIL}, {@code ENOTCONNECTED}, {@code EOVERFLOW} of the offline
     * queue).
     *
     * <p>Order: waiting frames are accepted first come, first served, and while any frame waits, every later emit on
     * the connection (this or the blocking form) lines up behind it, so a waiting frame is never overtaken and never
     * starves: it is accepted as soon as the frames ahead of it were and it fits. Emits that never wait, a
     * {@code broadcast} or {@code emit} on the I/O thread, fail with {@code EBACKPRESSURE} while frames wait rather
     * than go ahead of them. Frames accepted at once keep the order of their calls, as for {@code emit}.
     *
     * @param type event type
     * @param data as for {@link #emit(String, Object)}
     * @return completes with the frame's write stage once the frame is accepted, or fails when it was not sent; may
     *     complete on the I/O thread. Implementations outside jipc: completed at once with {@code emit}'s stage
     */
    default CompletableFuture<CompletionStage<Void>> emitWhenWritable(String type, Object data) {
        return CompletableFuture.completedFuture(emit(type, data));
    }

    /**
     * Bytes emitted on this connection that have not yet reached the kernel: what {@link IpcConfig#highWaterMarkBytes}
     * bounds. Read-only and approximate while other threads emit.
     *
     * @return the queued byte count; 0 when nothing waits, when not connected, for UDP, and for implementations
     *     outside jipc
     */
    default long pendingBytes() {
        return 0;
    }

    /**
     * Writes bytes as they are, with no framing (for rawBuffer mode).
     *
     * @param bytes the bytes
     * @return completes when the bytes reached the kernel
     */
    CompletionStage<Void> write(byte[] bytes);

    /**
     * Adds a handler: node-ipc's {@code ipc.of[id].on(type, data => ...)}. The type {@code "*"} (event-pubsub's
     * catch-all) receives every event, built-in ones included, after that type's own handlers; read the type from
     * {@link Message#type()}.
     *
     * @param type event type, a built-in event name, or {@code "*"}
     * @param handler the handler
     * @return this client
     */
    IpcClient on(String type, ClientHandler handler);

    /**
     * Adds a handler for an event whose data does not matter ({@code connect}, {@code disconnect}, {@code destroy}).
     *
     * @param type event type
     * @param handler the handler
     * @return this client
     */
    IpcClient on(String type, SignalHandler handler);

    /**
     * Removes a handler added with {@link #on(String, ClientHandler)}.
     *
     * @param type event type
     * @param handler the handler
     * @return this client
     */
    IpcClient off(String type, ClientHandler handler);

    /**
     * Removes a handler added with {@link #on(String, SignalHandler)}.
     *
     * @param type event type
     * @param handler the handler
     * @return this client
     */
    IpcClient off(String type, SignalHandler handler);

    /**
     * Removes every handler of a type ({@code "*"}: all of them).
     *
     * @param type event type or {@code "*"}
     * @return this client
     */
    IpcClient off(String type);

    /**
     * Closes for good after flushing what was emitted before (bounded by {@link IpcConfig#flushTimeout}), then fires
     * {@code disconnect} and {@code destroy}: node-ipc's {@code ipc.disconnect(id)}, which does not flush.
     *
     * @return completes once closed
     */
    CompletionStage<Void> disconnect();

    /**
     * Sends a request and waits for the peer's reply (beyond node-ipc; {@code proto/README.md} section 6). The peer
     * answers with {@link Message#reply(Object)}; a node-ipc peer sees an ordinary event and never answers.
     *
     * <p>Never blocks the calling thread, whatever the {@link IpcConfig#backpressure backpressure}: under
     * {@link Backpressure#BLOCK} a request frame that does not fit waits for room in the connection's line, as with
     * {@code emitWhenWritable}. A request that ends before its frame was queued (its timeout, or the caller cancelling
     * the returned future) withdraws the frame: it is never sent.
     *
     * @param type event type
     * @param data as for {@code emit}
     * @param timeout how long to wait for the reply; null: {@link IpcConfig#requestTimeout}
     * @return completes with the reply; fails with {@code ETIMEDOUT} (no reply in time), {@code ECLOSED} (the
     *     connection closed first), {@code EREMOTE} (the peer answered with an error, e.g. {@code ENOHANDLER}), or
     *     the failure of the send
     */
    default CompletionStage<Message> request(String type, Object data, Duration timeout) {
        return CompletableFuture.failedFuture(new IpcException(IpcException.ENOTSUP, "request '" + type
                + "': not supported by " + getClass().getName()));
    }

    /**
     * {@link #request(String, Object, Duration)} with {@link IpcConfig#requestTimeout}.
     *
     * @param type event type
     * @param data as for {@code emit}
     * @return as {@link #request(String, Object, Duration)}
     */
    default CompletionStage<Message> request(String type, Object data) {
        return request(type, data, null);
    }

    /**
     * Adds a handler that receives the data bound to a type: a generated protobuf message class (a typed payload is
     * unpacked; JSON data is read as its proto3 JSON form), or a record/POJO as {@link Message#as(Class)}. Data that
     * does not fit is an {@code error} event ({@code EHANDLER} caused by {@code EDATA}). Remove it with
     * {@link #off(String)}.
     *
     * @param <T> the data type
     * @param type event type
     * @param dataType the class to bind the data to
     * @param handler receives the bound data and the message (for {@link Message#reply(Object)})
     * @return this client
     */
    default <T> IpcClient on(String type, Class<T> dataType, TypedClientHandler<T> handler) {
        java.util.Objects.requireNonNull(dataType, "dataType");
        java.util.Objects.requireNonNull(handler, "handler");
        return on(type, (ClientHandler) msg -> handler.onMessage(msg.as(dataType), msg));
    }
}
