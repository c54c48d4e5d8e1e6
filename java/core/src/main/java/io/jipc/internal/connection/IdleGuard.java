package io.jipc.internal.connection;

import io.jipc.IpcException;
import io.jipc.internal.transport.Cancellable;
import io.jipc.internal.transport.IoLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The idle timeout of one connection ({@link io.jipc.IpcConfig#idleTimeout}): armed when the connection opens, it
 * fires once the connection received nothing for the timeout, with an {@code ETIMEDOUT} error. A read only notes the
 * time (no timer is touched per read); when the timer comes due and something arrived meanwhile, it is re-armed for
 * what is left of the period counted from the last read. Used from the I/O thread only.
 */
final class IdleGuard {
    private final IoLoop loop;
    private final long timeoutNanos;
    private final Supplier<String> who;
    private final Consumer<IpcException> onTimeout;
    private Cancellable timer;
    /** Which arming a timer task belongs to: a task of a cancelled or replaced timer does nothing. */
    private int generation;
    private long lastReceived;

    /**
     * @param loop the I/O thread's transport
     * @param timeout the idle timeout; zero turns the guard off
     * @param who names the connection in the error, e.g. "socket 2 (/tmp/app.world)"
     * @param onTimeout reports the error and closes the connection
     */
    IdleGuard(IoLoop loop, Duration timeout, Supplier<String> who, Consumer<IpcException> onTimeout) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        this.who = who;
        this.onTimeout = onTimeout;
    }

    /** The connection opened: the idle clock starts now (disarms any timer of an earlier connection). */
    void start() {
        if (timeoutNanos == 0) {
            return;
        }
        cancel();
        lastReceived = System.nanoTime();
        arm(timeoutNanos);
    }

    private void arm(long delayNanos) {
        int armedAs = ++generation;
        timer = loop.schedule(() -> due(armedAs), delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Bytes arrived from the peer: the idle clock restarts. */
    void received() {
        if (timer != null) {
            lastReceived = System.nanoTime();
        }
    }

    private void due(int armedAs) {
        if (armedAs != generation || timer == null) {
            return; // cancelled or replaced while the task was already queued
        }
        long idle = System.nanoTime() - lastReceived;
        if (idle < timeoutNanos) {
            arm(timeoutNanos - idle);
            return;
        }
        timer = null;
        onTimeout.accept(new IpcException(IpcException.ETIMEDOUT, who.get() + ": received nothing for idleTimeout "
                + Duration.ofNanos(timeoutNanos) + " (a silent or dead peer); closing the connection"));
    }

    /** Disarms the timer (the connection closed). */
    void cancel() {
        generation++;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
