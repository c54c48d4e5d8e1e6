package io.jipc.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.jipc.IpcException;
import io.jipc.Message;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** A received event's data held as the bytes of its JSON text (or a raw chunk), parsed on demand. */
public final class JsonMessage implements Message {
    private final String type;
    private final byte[] data;
    private final ObjectMapper mapper;
    private final Charset rawCharset;
    private final IpcException error;
    private volatile JsonNode tree;

    private JsonMessage(String type, byte[] data, ObjectMapper mapper, Charset rawCharset, IpcException error) {
        this.type = type;
        this.data = data;
        this.mapper = mapper;
        this.rawCharset = rawCharset;
        this.error = error;
    }

    /**
     * @param type event type
     * @param json UTF-8 JSON text of the data, or null when absent (not copied)
     * @param mapper for lazy parsing
     * @return the message
     */
    public static JsonMessage ofJson(String type, byte[] json, ObjectMapper mapper) {
        return new JsonMessage(type, json, mapper, null, null);
    }

    /**
     * @param chunk a received rawBuffer chunk (not copied)
     * @param charset the configured encoding, for {@link #asText()}
     * @param mapper for lazy parsing
     * @return a {@code data} message
     */
    public static JsonMessage ofRaw(byte[] chunk, Charset charset, ObjectMapper mapper) {
        return new JsonMessage("data", chunk, mapper, charset, null);
    }

    /**
     * @param error the error
     * @param mapper for the data form
     * @return an {@code error} message whose data is {@code {"message":...,"code":...}}
     */
    public static JsonMessage ofError(IpcException error, ObjectMapper mapper) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(mapper.createObjectNode().put("message", error.getMessage())
                    .put("code", error.code()));
        } catch (IOException e) {
            json = null;
        }
        return new JsonMessage("error", json, mapper, null, error);
    }

    /** @return the JSON bytes (not copied) or null; for relaying */
    byte[] jsonBytes() {
        return rawCharset == null ? data : null;
    }

    /** @return true for a rawBuffer chunk */
    boolean isRaw() {
        return rawCharset != null;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public boolean hasData() {
        return data != null;
    }

    @Override
    public String asText() {
        if (data == null) {
            return "";
        }
        if (rawCharset != null) {
            return new String(data, rawCharset);
        }
        if (data.length > 0 && data[0] == '"') {
            return as(String.class);
        }
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public JsonNode json() {
        JsonNode t = tree;
        if (t == null) {
            if (data == null) {
                t = MissingNode.getInstance();
            } else if (rawCharset != null) {
                t = mapper.getNodeFactory().binaryNode(data);
            } else {
                try {
                    t = mapper.readTree(data);
                } catch (IOException e) {
                    throw new IpcException("EDATA", "event '" + type + "': data is not valid JSON: " + e.getMessage(),
                            e);
                }
            }
            tree = t;
        }
        return t;
    }

    @Override
    public <T> T as(Class<T> target) {
        if (data == null) {
            return null;
        }
        if (rawCharset != null && target == String.class) {
            return target.cast(asText());
        }
        try {
            return mapper.readValue(data, target);
        } catch (IOException e) {
            throw new IpcException("EDATA", "event '" + type + "': cannot read data as " + target.getName() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public <T> T as(TypeReference<T> target) {
        if (data == null) {
            return null;
        }
        try {
            return mapper.readValue(data, target);
        } catch (IOException e) {
            throw new IpcException("EDATA", "event '" + type + "': cannot read data as " + target.getType() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public byte[] bytes() {
        return data == null ? new byte[0] : Arrays.copyOf(data, data.length);
    }

    @Override
    public Optional<IpcException> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public String toString() {
        if (data == null) {
            return type + ": (no data)";
        }
        return type + ": " + (rawCharset != null ? data.length + " raw bytes" : new String(data, StandardCharsets.UTF_8));
    }
}
