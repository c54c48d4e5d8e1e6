package io.jipc;

/**
 * Handles an event received by an {@link IpcClient}: node-ipc's {@code ipc.of[id].on(type, data => ...)}.
 *
 * <p>Runs on the I/O thread unless {@link IpcConfig#executor} is set, so it must not block. An exception thrown by a
 * handler is caught, reported as an {@code error} event (or logged, when thrown by an {@code error} handler) and
 * does not affect the connection.
 */
@FunctionalInterface
public interface ClientHandler {
    /** @param data the event's data */
    void onMessage(Message data);
}
