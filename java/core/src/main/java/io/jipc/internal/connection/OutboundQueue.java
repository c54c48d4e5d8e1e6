package io.jipc.internal.connection;

import io.jipc.Backpressure;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.internal.MessageEncoder;
import io.jipc.internal.Stages;
import io.jipc.internal.codec.WireCodec;
import io.jipc.internal.transport.Channel;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>Under {@link Backpressure#BLOCK} a frame that does not fit waits in the connection's <em>line</em>: a first-come,
 * first-served queue of frames not accepted yet, which holds no thread ({@link #sendWhenWritable}); a blocking
 * {@link #send} joins the same line and parks its thread on its place. The line is served by whichever thread sees
 * room (usually the I/O thread, as the kernel takes bytes), one frame at a time from its head, so a waiting frame is
 * never overtaken: while frames wait, every later emit lines up behind them, and broadcast and the I/O thread, which
 * never wait, fail with {@code EBACKPRESSURE} instead of slipping in ahead. A frame leaves the line when it is
 * <em>accepted</em>, and from then on it goes out unless the connection closes; one withdrawn before that (its
 * accepted stage cancelled) is never sent.
 *
 * <p>{@link #whenRoom()} tells, without blocking a thread, when a frame fits again.
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
    /** Whether the policy is BLOCK: only then do frames wait in {@link #line}. */
    private final boolean blocks;
    /** Frames waiting for room under BLOCK, oldest first (guarded by itself); see the class doc. */
    private final ArrayDeque<Waiting> line = new ArrayDeque<>();
    /** Size of {@link #line}, readable without its lock: emits check it to line up behind waiting frames. */
    private volatile int waiting;
    /** A thread is serving the line (guarded by {@link #line}). */
    private boolean serving;
    /** A wake-up for the line's head is registered with the channel (guarded by {@link #line}). */
    private boolean armed;

    /**
     * A frame in the line, and the stage its sender holds: it completes with the frame's write stage once the frame
     * is accepted. {@link #cancel} withdraws the frame while it waits (it is then never sent) and refuses (returns
     * false, leaving the stage to complete) once the serving thread has claimed it; the claim and the withdrawal
     * are decided under the line's lock, so exactly one of them happens.
     */
    private final class Waiting extends CompletableFuture<CompletionStage<Void>> {
        /** The frame; null until encoded when it came with a gate (set by the serving thread). */
        ByteBuffer frame;
        int size;
        /** Completes when the frame can be encoded; null when it came encoded. */
        final CompletableFuture<?> gate;
        /** Encodes the frame once the gate completed; null when it came encoded. */
        final Supplier<ByteBuffer> encode;
        /** The frame's write stage, as {@link #send} returns it. */
        final CompletableFuture<Void> written = new CompletableFuture<>();
        /** Set once the frame was accepted: it goes out, it can no longer be withdrawn (guarded by the line). */
        boolean claimed;
        /** Set when it left the line unwritten: withdrawn by its sender, or failed (guarded by the line). */
        boolean withdrawn;
        /** Why it could not be sent (its encoding failed); set by the serving thread. */
        IpcException failure;

        Waiting(ByteBuffer frame) {
            this.frame = frame;
            this.size = frame.remaining();
            this.gate = null;
            this.encode = null;
        }

        Waiting(CompletableFuture<?> gate, Supplier<ByteBuffer> encode) {
            this.gate = gate;
            this.encode = encode;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (line) {
                if (claimed) {
                    return false; // accepted: it goes out
                }
                if (!withdrawn) {
                    withdrawn = true;
                    line.remove(this);
                    waiting = line.size();
                }
            }
            return super.cancel(mayInterruptIfRunning);
        }
    }

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
        this.blocks = config.backpressure() == Backpressure.BLOCK;
    }

    /**
     * Queues an encoded frame, applying the backpressure policy when it does not fit under the mark.
     *
     * @param frame the encoded frame (ownership passes to the queue)
     * @param mayBlock false for broadcast: under BLOCK it fails instead of waiting
     * @return completes when the frame reached the kernel, or fails with the reason
     */
    public CompletionStage<Void> send(ByteBuffer frame, boolean mayBlock) {
        if (waiting > 0) {
            return behindLine(frame, mayBlock);
        }
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
        if (!coalesces || waiting > 0 || !encoder.encodesSmall(codec)) {
            return null; // (frames waiting for room: send lines it up behind them)
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

    /**
     * {@link #send} that never blocks the calling thread: under {@link Backpressure#BLOCK} a frame that does not fit
     * (or that finds frames waiting) joins the line and the returned stage completes once it is accepted; under the
     * other policies, and on a channel already closed, it is {@link #send}'s outcome at once.
     *
     * @param frame the encoded frame (ownership passes to the queue)
     * @return completes with the frame's write stage once the frame is accepted (it then goes out unless the
     *     connection closes); fails, the frame unsent, when {@link #send} would fail at once ({@code EBACKPRESSURE}
     *     under FAIL) or when the connection closes while it waits ({@code ECLOSED}); cancelling it before it
     *     completed withdraws the frame, which is then never sent
     */
    public CompletableFuture<CompletionStage<Void>> sendWhenWritable(ByteBuffer frame) {
        if (!blocks) {
            return accepted(send(frame, true));
        }
        if (waiting == 0) {
            CompletableFuture<Void> promise = new CompletableFuture<>();
            if (channel.offer(frame, promise, mark)) {
                return accepted(promise);
            }
        }
        return join(frame);
    }

    /**
     * {@link #sendWhenWritable(ByteBuffer)} for a frame that can be encoded only once {@code gate} completes (an AUTO
     * server's connection whose codec is not known yet): it joins the line now, keeping its place, and is encoded
     * when it reaches the head and the gate completed. Cancelling the returned stage withdraws the frame as long as it
     * was not accepted.
     *
     * @param gate completes when the frame can be encoded
     * @param frame encodes the frame (may throw {@link IpcException}, which fails the returned stage)
     * @return as {@link #sendWhenWritable(ByteBuffer)}
     */
    public CompletableFuture<CompletionStage<Void>> sendWhenWritable(CompletableFuture<?> gate,
            Supplier<ByteBuffer> frame) {
        return join(new Waiting(gate, frame));
    }

    /**
     * A stage returned by {@link #send} as the outcome of {@link #sendWhenWritable}: accepted, unless it failed
     * already (nothing was queued).
     *
     * @param sent the send's stage
     * @return completed with {@code sent}, or failed with its failure
     */
    public static CompletableFuture<CompletionStage<Void>> accepted(CompletionStage<Void> sent) {
        CompletableFuture<Void> f = sent.toCompletableFuture();
        if (f.isCompletedExceptionally()) {
            try {
                f.join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                return CompletableFuture.failedFuture(Stages.cause(e));
            }
        }
        return CompletableFuture.completedFuture(sent);
    }

    /** @return the number of frames waiting for room (for tests) */
    int waitingFrames() {
        return waiting;
    }

    /** A frame that found frames waiting for room: it waits behind them, or fails where waiting is not allowed. */
    private CompletionStage<Void> behindLine(ByteBuffer frame, boolean mayBlock) {
        WhenFull verdict = whenFull(mayBlock);
        if (verdict == WhenFull.WAIT) {
            return await(join(frame));
        }
        return Stages.failed(full(frame.remaining(), verdict.detail + "; " + waiting
                + " frames already wait for room ahead of it"));
    }

    /** Puts a frame at the end of the line and serves the line (it may be accepted at once). */
    private Waiting join(ByteBuffer frame) {
        return join(new Waiting(frame));
    }

    private Waiting join(Waiting w) {
        synchronized (line) {
            line.add(w);
            waiting = line.size();
        }
        serve();
        return w;
    }

    /**
     * Accepts frames from the head of the line while they fit; when the head does not fit, registers one wake-up
     * with the channel for when it will, and returns. One thread serves at a time: a caller that finds the line
     * served (or a wake-up registered) returns at once, and the serving thread sees its frame before it stops. The
     * senders' stages are completed after this thread stopped serving, so that their callbacks may emit again (even
     * a blocking emit) without waiting on the thread that runs them.
     */
    private void serve() {
        synchronized (line) {
            if (serving || armed) {
                return;
            }
            serving = true;
        }
        List<Waiting> decided = new ArrayList<>();
        List<Waiting> closedHeads = new ArrayList<>();
        try {
            serveWhileRoom(decided, closedHeads);
        } finally {
            for (Waiting w : closedHeads) {
                channel.write(w.frame, w.written); // fails its write stage as closed
            }
            for (Waiting w : decided) {
                if (w.claimed && !w.withdrawn) {
                    w.complete(w.written);
                } else if (w.failure != null) {
                    w.completeExceptionally(w.failure);
                } else {
                    w.completeExceptionally(new IpcException(IpcException.ECLOSED, "emit to " + who.get()
                            + ": the connection closed while the frame waited for room under highWaterMarkBytes "
                            + mark + " (backpressure BLOCK); it was not sent"));
                }
            }
        }
    }

    /** The loop of {@link #serve}; the frames it accepts or fails go to {@code decided}, see {@link #failLine}. */
    private void serveWhileRoom(List<Waiting> decided, List<Waiting> closedHeads) {
        while (true) {
            Waiting head;
            synchronized (line) {
                head = line.peek();
                if (head == null) {
                    serving = false;
                    return;
                }
            }
            if (head.frame == null && !encode(head, decided)) {
                if (waitFor(head, head.gate)) {
                    return; // the gate calls back when it completes
                }
                continue;
            }
            boolean room;
            boolean open = channel.isOpen();
            synchronized (line) {
                if (line.peek() != head) {
                    continue; // withdrawn meanwhile
                }
                if (!open) {
                    failLine(decided, closedHeads);
                    continue;
                }
                room = head.claimed || fits(head.size);
                if (room && !head.claimed) {
                    head.claimed = true; // from here it goes out; it stays the head until the channel takes it
                    decided.add(head);
                }
            }
            if (room && channel.offer(head.frame, head.written, mark)) {
                if (head.written.isCompletedExceptionally()) {
                    head.withdrawn = true; // refused at once, the channel closing: its sender is told it was not sent
                }
                synchronized (line) {
                    line.poll();
                    waiting = line.size();
                }
            } else if (waitFor(head, channel.whenPendingAtMost(Math.max(0, mark - head.size)))) {
                // the head does not fit (or someone outside the line, such as the I/O thread's own writes, took the
                // room first): the channel calls back when it does
                return;
            }
        }
    }

    /**
     * Encodes the head that came with a gate, once the gate completed; a frame that cannot be encoded leaves the line
     * and fails.
     *
     * @return false when the gate is still closed
     */
    private boolean encode(Waiting head, List<Waiting> decided) {
        if (!head.gate.isDone()) {
            return false;
        }
        try {
            ByteBuffer frame = head.encode.get();
            head.size = frame.remaining();
            head.frame = frame;
        } catch (IpcException e) {
            synchronized (line) {
                if (line.peek() == head) {
                    line.poll();
                    waiting = line.size();
                    head.withdrawn = true;
                    head.failure = e;
                    decided.add(head);
                }
            }
        }
        return true;
    }

    /** @return whether a frame of that size fits under the mark now, as {@link Channel#offer} decides */
    private boolean fits(int size) {
        long pending = channel.pendingBytes();
        return pending == 0 || pending + size <= mark;
    }

    /**
     * Registers the wake-up for the head and stops serving.
     *
     * @param head the frame that was at the head
     * @param signal completes when the head can go on: room for it in the channel (or its close), or its gate
     * @return true when the wake-up is pending (this thread has stopped serving); false when it came at once or the
     *     head changed (this thread goes on serving)
     */
    private boolean waitFor(Waiting head, CompletableFuture<?> signal) {
        synchronized (line) {
            if (line.peek() != head) {
                return false; // withdrawn meanwhile: look again
            }
            armed = true;
        }
        signal.whenComplete((v, e) -> woken());
        synchronized (line) {
            if (armed) {
                serving = false;
                return true;
            }
            return false;
        }
    }

    /** The head can go on (room, close, or its gate): serve the line, unless the armer is still serving it. */
    private void woken() {
        synchronized (line) {
            armed = false;
            if (serving) {
                return; // the thread that armed sees armed cleared and goes on
            }
        }
        serve();
    }

    /**
     * The channel closed: every frame in the line leaves it, to be failed once the serving thread stopped: those not
     * accepted unsent ({@code ECLOSED}), an accepted head's write stage as closed. Called under the line's lock.
     */
    private void failLine(List<Waiting> decided, List<Waiting> closedHeads) {
        for (Waiting w : line) {
            if (w.claimed) {
                w.withdrawn = true; // not written: when accepted in this turn, its sender is told it was not sent
                closedHeads.add(w);
                if (!decided.contains(w)) {
                    decided.add(w);
                }
            } else if (!w.withdrawn) {
                w.withdrawn = true;
                decided.add(w);
            }
        }
        line.clear();
        waiting = 0;
    }

    /**
     * Parks the calling thread until its frame in the line is accepted: the blocking form of BLOCK.
     *
     * @param w the frame's place in the line
     * @return the frame's write stage; failed as closed, or with {@code EBACKPRESSURE} when the thread is
     *     interrupted before the frame was accepted (it is then withdrawn; the interrupt flag is kept)
     */
    private CompletionStage<Void> await(Waiting w) {
        try {
            return w.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (w.cancel(false)) {
                return Stages.failed(full(w.size, "; interrupted while waiting"));
            }
            return w.written; // accepted meanwhile: it goes out
        } catch (ExecutionException e) {
            return CompletableFuture.failedFuture(e.getCause());
        }
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
                return await(join(frame));
            default:
                return Stages.failed(full(size, verdict.detail));
        }
    }

    private IpcException full(int size, String detail) {
        Backpressure policy = config.backpressure();
        return new IpcException(IpcException.EBACKPRESSURE, "emit to " + who.get() + ": " + channel.pendingBytes()
                + " bytes queued, a " + size + "-byte frame does not fit under highWaterMarkBytes " + mark
                + " (the peer reads slower than this side writes; backpressure " + policy + ")" + detail);
    }
}
