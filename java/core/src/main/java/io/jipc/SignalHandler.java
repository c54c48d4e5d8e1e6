package io.jipc;

/**
 * Handles a built-in client event that carries no data ({@code connect}, {@code disconnect}, {@code destroy}):
 * {@code ipc.of[id].on('connect', () => ...)}. Same threading and exception rules as {@link ClientHandler}.
 */
@FunctionalInterface
public interface SignalHandler {
    /** Called when the event fires. */
    void onSignal();
}
