package io.jipc.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the bytes of a received frame's data are, and how they read as a message's data. A codec's decoder hands
 * each frame's data to its {@link FrameSink} as bytes together with their format (one stateless instance per kind of
 * payload, e.g. JSON text, a protobuf {@code Value}); the message keeps both and asks the format only when a handler
 * reads the data, so a frame that is passed on unread is never converted, and nothing outside a codec's package knows
 * its bytes.
 *
 * <p>JSON text is the form every format can give ({@link #toJson}): it is how data is shown, bound with Jackson and
 * sent to a peer of another codec. The other methods let a format answer directly where it can do better than going
 * through JSON; each returns {@code null} (or {@link #UNBOUND}) to mean "read the JSON form". An encoder that
 * recognises its own codec's format sends the bytes as they came.
 *
 * <p>Implementations are immutable and thread-safe; every method may be called from any thread, many times.
 */
public interface PayloadFormat {

    /** What {@link #bind} returns when this format has no reading of its own for the target type. */
    Object UNBOUND = new Object() {
        @Override
        public String toString() {
            return "UNBOUND";
        }
    };

    /**
     * @param payload the data's bytes in this format (never null)
     * @param type the event type, for error messages
     * @param mapper the instance's JSON mapper
     * @return the UTF-8 JSON text of the data, as a JSON peer would receive it (may be the payload itself: callers
     *     never modify it)
     * @throws io.jipc.IpcException with code {@code EDATA} when the data has no JSON form
     */
    byte[] toJson(byte[] payload, String type, ObjectMapper mapper);

    /**
     * @param payload the data's bytes in this format
     * @return the data as text when this format reads it without JSON (e.g. a string it holds as such), or null to
     *     take a JSON string's value or else the JSON text
     */
    default String text(byte[] payload) {
        return null;
    }

    /**
     * @param payload the data's bytes in this format
     * @param mapper the instance's JSON mapper
     * @return the data as a Jackson tree when it is not read from the JSON form, or null to parse that
     */
    default JsonNode tree(byte[] payload, ObjectMapper mapper) {
        return null;
    }

    /**
     * Binds the data to a type this format reads directly (e.g. a protobuf message from a typed payload).
     *
     * @param payload the data's bytes in this format
     * @param target the requested type
     * @param type the event type, for error messages
     * @param mapper the instance's JSON mapper
     * @return the value (an instance of {@code target}), or {@link #UNBOUND} to read the JSON form
     * @throws io.jipc.IpcException with code {@code EDATA} when the data does not fit the target
     */
    default Object bind(byte[] payload, Class<?> target, String type, ObjectMapper mapper) {
        return UNBOUND;
    }

    /**
     * @param payload the data's bytes in this format
     * @return the data's exact bytes when they are not its JSON text (opaque bytes, a typed payload's binary
     *     encoding), as a copy the caller may keep; or null for the JSON text
     */
    default byte[] exactBytes(byte[] payload) {
        return null;
    }

    /**
     * @param payload the data's bytes in this format
     * @return how a message's {@code toString} shows the data when not as its JSON text (e.g. "12 opaque bytes"), or
     *     null for the JSON text
     */
    default String describe(byte[] payload) {
        return null;
    }

    /**
     * The peer id node-ipc takes from a client's message: the {@code "id"} member of its data, at the top level,
     * when that is a non-empty string. Called for every frame a server receives, so it reads no more than it must.
     *
     * @param payload the data's bytes in this format
     * @param mapper the instance's JSON mapper
     * @return the id, or null
     */
    String peerId(byte[] payload, ObjectMapper mapper);

    /**
     * Reads the error a failed reply carries, as its codec wrote it (the decoder passed its bytes to
     * {@link FrameSink#onFrame}).
     *
     * @param error the error's bytes in this format's codec
     * @param mapper the instance's JSON mapper
     * @return the peer's error code and message; an unreadable error reads as {@code EREMOTE} with a message saying
     *     so
     */
    RemoteError remoteError(byte[] error, ObjectMapper mapper);

    /**
     * The failure a peer sent in answer to a request.
     *
     * @param code the peer's code ({@code EREMOTE} when it gave none)
     * @param message the peer's message ("" when it gave none)
     */
    record RemoteError(String code, String message) {
    }
}
