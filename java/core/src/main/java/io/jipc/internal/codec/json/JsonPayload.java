package io.jipc.internal.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.IpcException;
import io.jipc.internal.codec.PayloadFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON codec's payload: the UTF-8 text of the frame's {@code data} value, exactly as it came (validated by the
 * decoder). It is its own JSON form, so nothing is converted until a handler binds it.
 */
public final class JsonPayload implements PayloadFormat {

    /** The one instance. */
    public static final JsonPayload TEXT = new JsonPayload();

    private static final byte[] ID_KEY = {'"', 'i', 'd', '"'};

    private JsonPayload() {
    }

    @Override
    public byte[] toJson(byte[] payload, String type, ObjectMapper mapper) {
        return payload;
    }

    /** Streams over the text without building a tree: nested values are skipped, so it costs one pass at most. */
    @Override
    public String peerId(byte[] payload, ObjectMapper mapper) {
        return topLevelId(payload, mapper.getFactory());
    }

    /**
     * The top-level {@code "id"} member of a JSON object, when it is a non-empty string (the last one, as
     * {@code JSON.parse} keeps).
     *
     * @param json UTF-8 JSON text, already validated
     * @param factory parser factory
     * @return the id, or null
     */
    static String topLevelId(byte[] json, JsonFactory factory) {
        if (json == null || json.length <= 5 || json[0] != '{' || indexOf(json, ID_KEY) < 0) {
            return null; // no object, or no "id" anywhere in it: nothing to parse
        }
        try (JsonParser p = factory.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String id = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean isId = "id".equals(p.currentName());
                JsonToken v = p.nextToken();
                if (isId) {
                    id = v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return id == null || id.isEmpty() ? null : id;
        } catch (IOException e) {
            return null; // the decoder validated the JSON; nothing to remember if it still fails
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A JSON reply's {@code "error"} value: {@code {"code":...,"message":...}}. */
    @Override
    public RemoteError remoteError(byte[] error, ObjectMapper mapper) {
        try {
            JsonNode n = mapper.readTree(error);
            String code = n.path("code").asText("");
            return new RemoteError(code.isEmpty() ? IpcException.EREMOTE : code, n.path("message").asText(""));
        } catch (IOException e) {
            return new RemoteError(IpcException.EREMOTE, "unreadable error: "
                    + new String(error, StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return "JSON text";
    }
}
