package io.jipc.internal;

import io.jipc.Backpressure;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.internal.transport.Channel;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The per-connection high-water mark: hands a frame to a channel under {@link IpcConfig#highWaterMarkBytes}, applying
 * {@link IpcConfig#backpressure} when it does not fit.
 */
final class Outbound {
    private Outbound() {
    }

    /**
     * @param rt the runtime (config, I/O thread)
     * @param ch the connection
     * @param frame the encoded frame
     * @param who names the connection in errors, e.g. "socket 2 (/tmp/app.world)"
     * @param mayBlock false for broadcast: under BLOCK it fails instead of waiting
     * @return completes when the frame reached the kernel, or fails with the reason
     */
    static CompletionStage<Void> send(IpcRuntime rt, Channel ch, ByteBuffer frame, Supplier<String> who,
            boolean mayBlock) {
        if (coalesces(rt.config)) {
            CompletionStage<Void> done = ch.offerCoalesced(frame, rt.config.highWaterMarkBytes());
            if (done != null) {
                return done;
            }
        }
        return offer(rt, ch, frame, who, mayBlock);
    }

    /** Longest frame {@link #sendSmall} encodes into its per-thread scratch array. */
    private static final int SMALL_FRAME_MAX = 1024;
    /** Per-thread scratch array of {@link #sendSmall}; never holds anything across calls. */
    private static final ThreadLocal<byte[]> SMALL_FRAME = ThreadLocal.withInitial(() -> new byte[SMALL_FRAME_MAX]);

    /**
     * {@link #send} for a JSON emit not encoded yet: one of the common small frames (see
     * {@link io.jipc.internal.codec.JsonFrameEncoder#encodeSmall}) is encoded into a per-thread scratch array and
     * copied straight into the connection's open batch, so emitting allocates no frame; one over the mark is copied
     * out and meets the backpressure policy as in {@link #send}.
     *
     * @param rt the runtime
     * @param ch the connection
     * @param type the frame type
     * @param data the data value
     * @param who names the connection in errors
     * @param mayBlock as for {@link #send}
     * @return the frame's completion, or null when it is not a small JSON frame (rawBuffer mode, other data, longer
     *     than the scratch, a backpressure that does not coalesce): nothing was sent, encode it and call {@link #send}
     */
    static CompletionStage<Void> sendSmall(IpcRuntime rt, Channel ch, String type, Object data, Supplier<String> who,
            boolean mayBlock) {
        IpcConfig cfg = rt.config;
        if (cfg.rawBuffer() || !coalesces(cfg)) {
            return null;
        }
        byte[] scratch = SMALL_FRAME.get();
        int n = rt.encoder.encodeSmall(type, data, scratch);
        if (n < 0) {
            return null;
        }
        CompletionStage<Void> done = ch.offerCoalesced(scratch, n, cfg.highWaterMarkBytes());
        if (done != null) {
            return done;
        }
        return offer(rt, ch, ByteBuffer.wrap(java.util.Arrays.copyOf(scratch, n)), who, mayBlock);
    }

    /** Small frames share a batch; DROP_OLDEST keeps one queue entry per frame, so that it drops whole frames. */
    private static boolean coalesces(IpcConfig cfg) {
        return cfg.backpressure() != Backpressure.DROP_OLDEST;
    }

    /** The frame as one queue entry of its own, applying the backpressure policy when it does not fit the mark. */
    private static CompletionStage<Void> offer(IpcRuntime rt, Channel ch, ByteBuffer frame, Supplier<String> who,
            boolean mayBlock) {
        IpcConfig cfg = rt.config;
        long mark = cfg.highWaterMarkBytes();
        int size = frame.remaining();
        CompletableFuture<Void> promise = new CompletableFuture<>();
        if (ch.offer(frame, promise, mark)) {
            return promise;
        }
        switch (cfg.backpressure()) {
            case DROP_OLDEST: {
                long need = ch.pendingBytes() + size - mark;
                ch.dropQueued(need, () -> new IpcException(IpcException.EBACKPRESSURE, "emit to " + who.get()
                        + ": frame dropped for a newer one (backpressure DROP_OLDEST, highWaterMarkBytes " + mark
                        + ")"));
                if (ch.offer(frame, promise, mark)) {
                    return promise;
                }
                return IpcRuntime.failed(full(ch, who, mark, size, cfg.backpressure(),
                        "; what is queued is already being written, nothing left to drop"));
            }
            case BLOCK:
                if (rt.inLoop()) {
                    return IpcRuntime.failed(full(ch, who, mark, size, Backpressure.BLOCK,
                            "; not waiting on the I/O thread (emit from another thread, or set an executor)"));
                }
                if (!mayBlock) {
                    return IpcRuntime.failed(full(ch, who, mark, size, Backpressure.BLOCK,
                            "; broadcast does not wait for one socket"));
                }
                return block(ch, frame, promise, who, mark, size);
            default:
                return IpcRuntime.failed(full(ch, who, mark, size, cfg.backpressure(), ""));
        }
    }

    private static CompletionStage<Void> block(Channel ch, ByteBuffer frame, CompletableFuture<Void> promise,
            Supplier<String> who, long mark, int size) {
        while (true) {
            try {
                ch.whenPendingAtMost(Math.max(0, mark - size)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return IpcRuntime.failed(full(ch, who, mark, size, Backpressure.BLOCK,
                        "; interrupted while waiting"));
            } catch (ExecutionException e) {
                throw new IllegalStateException(e); // never: the waiters are only ever completed normally
            }
            if (!ch.isOpen()) {
                ch.write(frame, promise); // fails it as closed
                return promise;
            }
            if (ch.offer(frame, promise, mark)) {
                return promise;
            }
        }
    }

    private static IpcException full(Channel ch, Supplier<String> who, long mark, int size, Backpressure policy,
            String detail) {
        return new IpcException(IpcException.EBACKPRESSURE, "emit to " + who.get() + ": " + ch.pendingBytes()
                + " bytes queued, a " + size + "-byte frame does not fit under highWaterMarkBytes " + mark
                + " (the peer reads slower than this side writes; backpressure " + policy + ")" + detail);
    }
}
