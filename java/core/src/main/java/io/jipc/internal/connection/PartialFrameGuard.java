package io.jipc.internal.connection;

import io.jipc.IpcException;
import io.jipc.internal.codec.FrameDecoder;
import io.jipc.internal.transport.Cancellable;
import io.jipc.internal.transport.IoLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The slow-loris guard of one connection: after each read, when the decoder holds an incomplete frame and no frame
 * completed since the timer was armed, a timer of {@link io.jipc.IpcConfig#partialFrameTimeout} runs; it is re-armed
 * whenever a frame completes and cancelled when nothing is pending. When it fires with bytes still pending, the
 * connection gets an {@code ETIMEDOUT} error. Used from the I/O thread only; reads the decoder only through its
 * public {@link FrameDecoder#pendingBytes()}.
 */
final class PartialFrameGuard {
    private final IoLoop loop;
    private final long timeoutNanos;
    private final Supplier<String> who;
    private final Consumer<IpcException> onTimeout;
    private FrameDecoder decoder;
    private Cancellable timer;
    private boolean frameSeen;

    /**
     * @param loop the I/O thread's transport
     * @param timeout the partial-frame timeout; zero turns the guard off
     * @param who names the connection in the error, e.g. "socket 2 (/tmp/app.world)"
     * @param onTimeout reports the error and closes the connection
     */
    PartialFrameGuard(IoLoop loop, Duration timeout, Supplier<String> who, Consumer<IpcException> onTimeout) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        this.who = who;
        this.onTimeout = onTimeout;
    }

    /** @param decoder the decoder of the (new) connection; disarms any timer of an earlier one */
    void reset(FrameDecoder decoder) {
        cancel();
        this.decoder = decoder;
    }

    /** A frame completed (from the decoder's sink). */
    void frameCompleted() {
        frameSeen = true;
    }

    /** After a read was decoded: arms, re-arms or cancels the timer. */
    void afterRead() {
        if (timeoutNanos == 0 || decoder == null) {
            return;
        }
        boolean pending = !decoder.isFinished() && decoder.pendingBytes() > 0;
        if (!pending) {
            cancel();
        } else if (timer == null || frameSeen) {
            cancel();
            FrameDecoder armedFor = decoder;
            timer = loop.schedule(() -> fire(armedFor), timeoutNanos, TimeUnit.NANOSECONDS);
        }
        frameSeen = false;
    }

    private void fire(FrameDecoder armedFor) {
        timer = null;
        if (armedFor != decoder || decoder.isFinished() || decoder.pendingBytes() == 0) {
            return;
        }
        onTimeout.accept(new IpcException(IpcException.ETIMEDOUT,
                who.get() + ": an incomplete frame (" + decoder.pendingBytes()
                + " bytes pending) was held longer than partialFrameTimeout " + Duration.ofNanos(timeoutNanos)
                + " (a slow or stuck peer); closing the connection"));
    }

    /** Disarms the timer (the connection closed). */
    void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
