package io.jipc;

/**
 * Handles an event received by an {@link IpcServer}: node-ipc's {@code ipc.server.on(type, (data, socket) => ...)}.
 *
 * <p>Runs on the I/O thread unless {@link IpcConfig#executor} is set, so it must not block. An exception thrown by a
 * handler is caught, reported as an {@code error} event (or logged, when thrown by an {@code error} handler) and
 * does not affect the connection.
 */
@FunctionalInterface
public interface ServerHandler {
    /**
     * @param data the event's data
     * @param socket the connection it came from (null for server-wide events such as {@code start})
     */
    void onMessage(Message data, IpcSocket socket);
}
