package io.jipc;

import java.net.SocketAddress;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One connected peer of an {@link IpcServer}: the {@code socket} argument of node-ipc's server handlers.
 *
 * <p>On a UDP server it is a sender (node-ipc's {@code rinfo}: address, port and family in
 * {@link #remoteAddress()}); {@link #emit} sends it one datagram, {@link #isOpen()} is true while the server
 * listens, and {@link #close()} only forgets the peer (it no longer receives broadcasts).
 *
 * <p>Thread-safe: {@link #emit} may be called from any thread.
 */
public interface IpcSocket {
    /** @return a number unique within its server, in accept order ("1", "2", ...) */
    String id();

    /**
     * @return the last {@code data.id} string this peer sent, if any: node-ipc's {@code socket.id} and the
     *     {@code destroyedSocketID} of {@code socket.disconnected}
     */
    Optional<String> peerId();

    /** @return the peer's address (a {@code UnixDomainSocketAddress} or an {@code InetSocketAddress}) */
    SocketAddress remoteAddress();

    /**
     * The peer's user, group and process ids, read from the kernel when the connection was accepted.
     *
     * @return the credentials on Unix-domain sockets; empty for TCP, TLS and UDP peers and for implementations
     *     outside jipc
     */
    default Optional<PeerCredentials> peerCredentials() {
        return Optional.empty();
    }

    /** @return true until the connection closed */
    boolean isOpen();

    /**
     * Sends an event to this peer: node-ipc's {@code ipc.server.emit(socket, type, data)}.
     *
     * @param type the event type
     * @param data any value Jackson can write, a received {@link Message} (relayed as is), or null for none
     *     (sent as {@code {}}, as node-ipc sends it); in rawBuffer mode {@code type} is written as text in the
     *     configured encoding and data is ignored, as in node-ipc
     * @return completes when the frame reached the kernel, or fails with the reason; frames that go out together
     *     share a stage, as {@link IpcClient#emit(String, Object)} describes
     */
    CompletionStage<Void> emit(String type, Object data);

    /**
     * Sends an event to this peer without ever blocking the calling thread: the form of {@link #emit} for callers
     * that must not be parked, such as coroutines, event loops and handlers on the I/O thread (beyond node-ipc). It
     * differs from {@code emit} only under {@link Backpressure#BLOCK} when the connection is at its
     * {@link IpcConfig#highWaterMarkBytes high-water mark}: where {@code emit} parks its thread until the frame fits,
     * this returns at once and the frame waits for room holding no thread. Under the other policies the frame is
     * queued or refused at once, as {@code emit} does; a UDP peer's datagram is never held back (the kernel drops what
     * it cannot buffer). While an AUTO server waits for the client's codec, frames past the mark wait for it the same
     * way.
     *
     * <p>Two stages tell what happened. The returned one completes when the frame is <em>accepted</em>, with the
     * frame's write stage (the stage {@code emit} returns: it completes when the frame reached the kernel). An accepted
     * frame goes out unless the connection closes first (its write stage then fails with {@code ECLOSED}); no other
     * event drops it ({@link Backpressure#DROP_OLDEST} aside). Until it is accepted it can be withdrawn:
     * {@code cancel} on the returned future returns true when the frame was withdrawn, and it is then never sent;
     * false once it was accepted. When the returned future fails, the frame was not sent: {@code ECLOSED} when the
     * connection closed while it waited, or what {@code emit} fails with at once ({@code EDATA}, {@code ECLOSED},
     * {@code EBACKPRESSURE} under {@link Backpressure#FAIL}).
     *
     * <p>Order: waiting frames are accepted first come, first served, and while any frame waits, every later emit on
     * the connection (this or the blocking form) lines up behind it, so a waiting frame is never overtaken and never
     * starves: it is accepted as soon as the frames ahead of it were and it fits. Emits that never wait, a
     * {@code broadcast} or {@code emit} on the I/O thread, fail with {@code EBACKPRESSURE} while frames wait rather
     * than go ahead of them. Frames accepted at once keep the order of their calls, as for {@code emit}.
     *
     * @param type event type
     * @param data as for {@link #emit}
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
     * @return the queued byte count; 0 when nothing waits, when not connected, for UDP peers, and for implementations
     *     outside jipc
     */
    default long pendingBytes() {
        return 0;
    }

    /**
     * Writes bytes as they are, with no framing (for rawBuffer mode).
     *
     * @param bytes the bytes
     * @return completes when the bytes reached the kernel, or fails with the reason
     */
    CompletionStage<Void> write(byte[] bytes);

    /**
     * Closes this connection after flushing what was emitted before (bounded by {@link IpcConfig#flushTimeout}).
     *
     * @return completes once closed
     */
    CompletionStage<Void> close();

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
}
