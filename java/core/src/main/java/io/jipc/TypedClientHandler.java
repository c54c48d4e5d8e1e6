package io.jipc;

/**
 * Handles an event received by an {@link IpcClient} with its data bound to a type
 * ({@link IpcClient#on(String, Class, TypedClientHandler)}). Runs like a {@link ClientHandler}.
 *
 * @param <T> the data type
 */
@FunctionalInterface
public interface TypedClientHandler<T> {
    /**
     * @param data the bound data (null when the event had none)
     * @param message the message itself (type, {@link Message#reply(Object)} for requests)
     */
    void onMessage(T data, Message message);
}
