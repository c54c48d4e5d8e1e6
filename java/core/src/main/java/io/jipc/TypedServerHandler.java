package io.jipc;

/**
 * Handles an event received by an {@link IpcServer} with its data bound to a type
 * ({@link IpcServer#on(String, Class, TypedServerHandler)}). Runs like a {@link ServerHandler}.
 *
 * @param <T> the data type
 */
@FunctionalInterface
public interface TypedServerHandler<T> {
    /**
     * @param data the bound data (null when the event had none)
     * @param message the message itself (type, {@link Message#reply(Object)} for requests)
     * @param socket the connection it came from
     */
    void onMessage(T data, Message message, IpcSocket socket);
}
