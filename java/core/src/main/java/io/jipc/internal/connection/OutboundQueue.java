package io.jipc.internal.connection;

import io.jipc.Backpressure;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.internal.MessageEncoder;
import io.jipc.internal.Stages;
import io.jipc.internal.codec.WireCodec;
import io.jipc.internal.transport.Channel;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A connection's outbound queue: the frames written to its channel that have not reached the kernel, bounded by
 * {@link IpcConfig#highWaterMarkBytes}, and the one place where {@link IpcConfig#backpressure} is applied when a frame
 * does not fit. The frames themselves wait in the channel's write queue, which the I/O thread drains; this class
 * decides whether a frame may join it. Thread-safe: any thread may send.
 *
 * <p>{@link #whenRoom()} tells, without blocking a thread, when a frame fits again (for a caller that waits
 * asynchronously under {@link Backpressure#BLOCK}).
 *
 * <p>Every frame of a connection enters here ({@link #send}, {@link #sendSmall}), so two planned changes stay inside
 * this class and the channel: a write-through (when nothing is queued, the calling thread writes the frame to the
 * socket itself instead of handing it to the I/O thread) belongs at the top of {@link #send}, and a connection whose
 * data moves to shared-memory rings after a negotiation gets a channel that writes to the ring, with the same
 * counting, mark and policy.
 */
public final class OutboundQueue {
    /** Longest frame {@link #sendSmall} encodes into its per-thread scratch array. */
    private static final int SMALL_FRAME_MAX = 1024;
    /** Per-thread scratch array of {@link #sendSmall}; never holds anything across calls. */
    private static final ThreadLocal<byte[]> SMALL_FRAME = ThreadLocal.withInitial(() -> new byte[SMALL_FRAME_MAX]);

    private final Channel channel;
    private final IpcConfig config;
    private final MessageEncoder encoder;
    private final BooleanSupplier inLoop;
    private final Supplier<String> who;
    private final long mark;
    /** Small frames share a batch; DROP_OLDEST keeps one queue entry per frame, so that it drops whole frames. */
    private final boolean coalesces;

    /**
     * @param channel the connection's channel
     * @param config the validated config (mark, policy, rawBuffer)
     * @param encoder encodes small JSON frames straight into a batch
     * @param inLoop true when called on the I/O thread (BLOCK never waits there)
     * @param who names the connection in errors, e.g. "socket 2 (/tmp/app.world)"
     */
    public OutboundQueue(Channel channel, IpcConfig config, MessageEncoder encoder, BooleanSupplier inLoop,
            Supplier<String> who) {
        this.channel = channel;
        this.config = config;
        this.encoder = encoder;
        this.inLoop = inLoop;
        this.who = who;
        this.mark = config.highWaterMarkBytes();
        this.coalesces = config.backpressure() != Backpressure.DROP_OLDEST;
    }

    /**
     * Queues an encoded frame, applying the backpressure policy when it does not fit under the mark.
     *
     * @param frame the encoded frame (ownership passes to the queue)
     * @param mayBlock false for broadcast: under BLOCK it fails instead of waiting
     * @return completes when the frame reached the kernel, or fails with the reason
     */
    public CompletionStage<Void> send(ByteBuffer frame, boolean mayBlock) {
        if (coalesces) {
            CompletionStage<Void> done = channel.offerCoalesced(frame, mark);
            if (done != null) {
                return done;
            }
        }
        return offer(frame, mayBlock);
    }

    /**
     * {@link #send} for an event not encoded yet: one of the common small JSON frames (see
     * {@link io.jipc.internal.codec.json.JsonFrameEncoder#encodeSmall}) is encoded into a per-thread scratch array and
     * copied straight into the channel's open batch, so emitting allocates no frame; one over the mark is copied out
     * and meets the backpressure policy as in {@link #send}.
     *
     * @param codec the connection's codec (only JSON frames are written this way)
     * @param type the frame type
     * @param data the data value
     * @param mayBlock as for {@link #send}
     * @return the frame's completion, or null when it is not a small JSON frame (another codec, rawBuffer mode, other
     *     data, longer than the scratch, a backpressure that does not coalesce): nothing was sent, encode it and call
     *     {@link #send}
     */
    public CompletionStage<Void> sendSmall(WireCodec codec, String type, Object data, boolean mayBlock) {
        if (!coalesces || !encoder.encodesSmall(codec)) {
            return null;
        }
        byte[] scratch = SMALL_FRAME.get();
        int n = encoder.encodeSmall(codec, type, data, scratch);
        if (n < 0) {
            return null;
        }
        CompletionStage<Void> done = channel.offerCoalesced(scratch, n, mark);
        if (done != null) {
            return done;
        }
        return offer(ByteBuffer.wrap(Arrays.copyOf(scratch, n)), mayBlock);
    }

    /** @return the bytes queued that have not reached the kernel yet */
    public long pendingBytes() {
        return channel.pendingBytes();
    }

    /**
     * The asynchronous form of waiting under {@link Backpressure#BLOCK}: completes (normally) once fewer than
     * {@link IpcConfig#highWaterMarkBytes} bytes are queued, at once when that is so already, or when the channel
     * closes (a send then fails as closed). Room is not reserved: a sender that finds the frame still does not fit
     * waits again.
     *
     * @return completes when there is room under the mark; may complete on the I/O thread
     */
    public CompletableFuture<Void> whenRoom() {
        return channel.whenPendingAtMost(mark - 1);
    }

    /** What {@link IpcConfig#backpressure} says about a frame that does not fit under the mark. */
    enum WhenFull {
        /** Drop queued frames not yet being written, oldest first, to make room. */
        DROP_OLDEST(""),
        /** Wait (the calling thread) until the frame fits. */
        WAIT(""),
        /** Fail the frame with {@code EBACKPRESSURE}. */
        FAIL(""),
        /** BLOCK, but on the I/O thread, which must not wait: fail. */
        FAIL_ON_IO_THREAD("; not waiting on the I/O thread (emit from another thread, or set an executor)"),
        /** BLOCK, but a broadcast, which does not wait for one socket: fail. */
        FAIL_FOR_BROADCAST("; broadcast does not wait for one socket");

        /** Appended to the EBACKPRESSURE message. */
        final String detail;

        WhenFull(String detail) {
            this.detail = detail;
        }
    }

    /**
     * The one reading of the backpressure policy, for every place a frame may wait on this connection (the channel's
     * queue, and an AUTO server's frames waiting for the codec).
     *
     * @param mayBlock false for broadcast
     * @return what to do with a frame that does not fit
     */
    WhenFull whenFull(boolean mayBlock) {
        switch (config.backpressure()) {
            case DROP_OLDEST:
                return WhenFull.DROP_OLDEST;
            case BLOCK:
                return inLoop.getAsBoolean() ? WhenFull.FAIL_ON_IO_THREAD
                        : mayBlock ? WhenFull.WAIT : WhenFull.FAIL_FOR_BROADCAST;
            default:
                return WhenFull.FAIL;
        }
    }

    /** The frame as one queue entry of its own, applying the backpressure policy when it does not fit the mark. */
    private CompletionStage<Void> offer(ByteBuffer frame, boolean mayBlock) {
        int size = frame.remaining();
        CompletableFuture<Void> promise = new CompletableFuture<>();
        if (channel.offer(frame, promise, mark)) {
            return promise;
        }
        WhenFull verdict = whenFull(mayBlock);
        switch (verdict) {
            case DROP_OLDEST: {
                long need = channel.pendingBytes() + size - mark;
                channel.dropQueued(need, () -> new IpcException(IpcException.EBACKPRESSURE, "emit to " + who.get()
                        + ": frame dropped for a newer one (backpressure DROP_OLDEST, highWaterMarkBytes " + mark
                        + ")"));
                if (channel.offer(frame, promise, mark)) {
                    return promise;
                }
                return Stages.failed(full(size, "; what is queued is already being written, nothing left to drop"));
            }
            case WAIT:
                return block(frame, promise, size);
            default:
                return Stages.failed(full(size, verdict.detail));
        }
    }

    private CompletionStage<Void> block(ByteBuffer frame, CompletableFuture<Void> promise, int size) {
        while (true) {
            try {
                channel.whenPendingAtMost(Math.max(0, mark - size)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Stages.failed(full(size, "; interrupted while waiting"));
            } catch (ExecutionException e) {
                throw new IllegalStateException(e); // never: the waiters are only ever completed normally
            }
            if (!channel.isOpen()) {
                channel.write(frame, promise); // fails it as closed
                return promise;
            }
            if (channel.offer(frame, promise, mark)) {
                return promise;
            }
        }
    }

    private IpcException full(int size, String detail) {
        Backpressure policy = config.backpressure();
        return new IpcException(IpcException.EBACKPRESSURE, "emit to " + who.get() + ": " + channel.pendingBytes()
                + " bytes queued, a " + size + "-byte frame does not fit under highWaterMarkBytes " + mark
                + " (the peer reads slower than this side writes; backpressure " + policy + ")" + detail);
    }
}
