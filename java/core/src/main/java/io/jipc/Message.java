package io.jipc;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The data of one received event: node-ipc's {@code data} argument, decoded lazily.
 *
 * <p>The frame's JSON is kept as bytes until a handler asks for a form: {@link #asText()}, {@link #json()},
 * {@link #as(Class)} or {@link #bytes()}. Emitting a received {@code Message} again (echo, relay, broadcast) sends
 * its bytes as they came, without parsing. For built-in events the data is synthesised: {@code error} carries
 * {@code {"message":...,"code":...}} and {@link #error()}; rawBuffer {@code data} events carry the received chunk
 * in {@link #bytes()}.
 *
 * <p>Instances are immutable and may be kept and read from any thread.
 */
public interface Message {
    /** @return the event type (node-ipc's frame {@code type}) */
    String type();

    /** @return false when the frame had no {@code data} key (node-ipc's {@code undefined}) */
    boolean hasData();

    /**
     * @return the data as text: a JSON string's value, otherwise the data's JSON text (for rawBuffer chunks, the
     *     bytes decoded with the configured encoding); "" when there is no data
     */
    String asText();

    /** @return the data as a Jackson tree ({@code MissingNode} when absent); parsed once, then cached */
    JsonNode json();

    /**
     * Binds the data to a type.
     *
     * @param <T> the target type
     * @param type a record, POJO, {@code Map}, {@code String}, ... anything Jackson can read
     * @return the bound value
     * @throws IpcException (code {@code EDATA}) naming the type when the data does not fit it
     */
    <T> T as(Class<T> type);

    /**
     * Binds the data to a generic type.
     *
     * @param <T> the target type
     * @param type the type, e.g. {@code new TypeReference<List<Point>>() {}}
     * @return the bound value
     * @throws IpcException (code {@code EDATA}) when the data does not fit the type
     */
    <T> T as(TypeReference<T> type);

    /** @return the data's exact bytes: UTF-8 JSON text for frames, the received chunk in rawBuffer mode (a copy) */
    byte[] bytes();

    /** @return the error carried by an {@code error} event, empty for every other event */
    Optional<IpcException> error();
}
