package io.jipc.internal.transport;

/** A scheduled task that can be called off. */
@FunctionalInterface
public interface Cancellable {
    /** Cancels the task if it has not run yet; harmless otherwise. */
    void cancel();
}
