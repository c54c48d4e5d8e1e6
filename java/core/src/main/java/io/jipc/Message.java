package io.jipc;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The data of one received event: node-ipc's {@code data} argument, decoded lazily.
 *
 * <p>The frame's JSON is kept as bytes until a handler asks for a form: {@link #asText()}, {@link #json()},
 * {@link #as(Class)} or {@link #bytes()}. Emitting a received {@code Message} again (echo, relay, broadcast) sends
 * its bytes as they came, without parsing. For built-in events the data is synthesised: {@code error} carries
 * {@code {"message":...,"code":...}} and {@link #error()}; rawBuffer {@code data} events carry the received chunk
 * in {@link #bytes()}.
 *
 * <p>A message looks the same whichever codec brought it ({@link Wire#JSON} or {@link Wire#PROTO}): protobuf
 * {@code data} is shown as the same JSON. A typed protobuf payload is read with {@link #as(Class)} given its
 * generated class (in JSON mode the same class reads its proto3 JSON form from {@code data}); opaque bytes with
 * {@link #bytes()}.
 *
 * <p>A request ({@link #isRequest()}, sent with {@code request(type, data)} by a jipc peer) is answered once with
 * {@link #reply(Object)} or {@link #replyError(String, String)}, from any thread, now or later. A request nobody
 * handles is answered with error {@code ENOHANDLER}; one whose handler throws before replying with {@code EHANDLER}.
 *
 * <p>Instances are immutable (apart from the reply) and may be kept and read from any thread.
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
     * @param type a record, POJO, {@code Map}, {@code String}, ... anything Jackson can read; or a generated protobuf
     *     message class: a typed payload is unpacked (its type must match), JSON data is read as that message's
     *     proto3 JSON form
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

    /**
     * @return the data's exact bytes (a copy): UTF-8 JSON text for frames, the received chunk in rawBuffer mode, the
     *     bytes of an opaque protobuf payload, the binary encoding of a typed one
     */
    byte[] bytes();

    /** @return the error carried by an {@code error} event, empty for every other event */
    Optional<IpcException> error();

    /** @return true for a request that expects a {@link #reply(Object)} */
    default boolean isRequest() {
        return false;
    }

    /**
     * Answers this request (once). The reply goes back on the connection the request came on, in its codec. It never
     * blocks the calling thread: under {@link Backpressure#BLOCK} a reply that does not fit waits for room in the
     * connection's line, holding no thread.
     *
     * @param data the reply's data, as for {@code emit} (null: none)
     * @return completes when the reply reached the kernel; fails with {@code ESTATE} when this is not a request or
     *     was answered already, or with the send's failure
     */
    default CompletionStage<Void> reply(Object data) {
        return CompletableFuture.failedFuture(new IpcException(IpcException.ESTATE, "reply to '" + type()
                + "': not a request"));
    }

    /**
     * Answers this request (once) with a failure: the requester's stage fails with {@code EREMOTE} naming this code
     * and message.
     *
     * @param code a short code, e.g. {@code EINVAL}
     * @param message what went wrong
     * @return as {@link #reply(Object)}
     */
    default CompletionStage<Void> replyError(String code, String message) {
        return CompletableFuture.failedFuture(new IpcException(IpcException.ESTATE, "reply to '" + type()
                + "': not a request"));
    }
}
