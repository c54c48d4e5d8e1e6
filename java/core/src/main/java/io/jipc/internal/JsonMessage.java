package io.jipc.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.google.protobuf.Any;
import com.google.protobuf.Value;
import io.jipc.IpcException;
import io.jipc.Message;
import io.jipc.internal.codec.proto.ProtoCodec;
import io.jipc.proto.v1.Envelope;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A received event's data held as the bytes of its JSON text (or a raw chunk), parsed on demand; or, from a protobuf
 * peer, as its {@code Value} (shown as the same JSON, made on demand), typed payload or opaque bytes.
 */
public final class JsonMessage implements Message {
    private final String type;
    /** JSON text (or raw chunk); for a protobuf Value or typed payload made on first use. */
    private volatile byte[] data;
    private final ObjectMapper mapper;
    private final Charset rawCharset;
    private final IpcException error;
    private volatile JsonNode tree;
    // protobuf payloads (at most one set)
    /** The protobuf data; parsed from {@link #valueBytes} on first use when the message came that way. */
    private volatile Value value;
    /** A received, already validated protobuf Value's bytes (parsed only if the data is read); else null. */
    private final byte[] valueBytes;
    private final Any typed;
    private final byte[] opaque;
    // request: where and how to answer
    private final Replier replier;
    private final long requestId;
    private final AtomicBoolean replied;

    private JsonMessage(String type, byte[] data, ObjectMapper mapper, Charset rawCharset, IpcException error,
            Value value, byte[] valueBytes, Any typed, byte[] opaque, Replier replier, long requestId) {
        this.valueBytes = valueBytes;
        this.type = type;
        this.data = data;
        this.mapper = mapper;
        this.rawCharset = rawCharset;
        this.error = error;
        this.value = value;
        this.typed = typed;
        this.opaque = opaque;
        this.replier = requestId != 0 ? replier : null;
        this.requestId = this.replier != null ? requestId : 0;
        this.replied = this.replier != null ? new AtomicBoolean() : null;
    }

    /**
     * @param type event type
     * @param json UTF-8 JSON text of the data, or null when absent (not copied)
     * @param mapper for lazy parsing
     * @return the message
     */
    public static JsonMessage ofJson(String type, byte[] json, ObjectMapper mapper) {
        return new JsonMessage(type, json, mapper, null, null, null, null, null, null, null, 0);
    }

    /**
     * @param type event type
     * @param json UTF-8 JSON text of the data, or null when absent (not copied)
     * @param mapper for lazy parsing
     * @param replier the connection to answer on
     * @param requestId the request's id; 0 for an ordinary event
     * @return the message
     */
    public static JsonMessage ofJson(String type, byte[] json, ObjectMapper mapper, Replier replier, long requestId) {
        return new JsonMessage(type, json, mapper, null, null, null, null, null, null, replier, requestId);
    }

    /**
     * @param env a received envelope
     * @param mapper for lazy parsing
     * @param replier the connection to answer on (requests)
     * @param requests whether the envelope's id makes it a request (false on UDP)
     * @return the message
     */
    public static JsonMessage ofEnvelope(Envelope env, ObjectMapper mapper, Replier replier, boolean requests) {
        Value v = null;
        Any t = null;
        byte[] o = null;
        switch (env.getPayloadCase()) {
            case DATA:
                v = env.getData();
                break;
            case TYPED:
                t = env.getTyped();
                break;
            case OPAQUE:
                o = env.getOpaque().toByteArray();
                break;
            default:
                break;
        }
        return new JsonMessage(env.getType(), null, mapper, null, null, v, null, t, o, replier,
                requests ? env.getId() : 0);
    }

    /**
     * @param type event type
     * @param value the bytes of a validated protobuf {@code Value} (not copied; parsed when the data is read)
     * @param mapper for the JSON form
     * @param replier the connection to answer on (requests)
     * @param requestId the request's id; 0 for an ordinary event
     * @return the message
     */
    public static JsonMessage ofProtoValue(String type, byte[] value, ObjectMapper mapper, Replier replier,
            long requestId) {
        return new JsonMessage(type, null, mapper, null, null, null, value, null, null, replier, requestId);
    }

    /**
     * The peer id node-ipc takes from a message: the {@code "id"} key of its data at the top level (the last one, as
     * {@code JSON.parse} keeps), when that is a non-empty string. Streams over the text without building a tree:
     * nested values are skipped, so a large message costs one pass and no memory beyond its text.
     *
     * @param json UTF-8 JSON text of the data, already validated
     * @param factory parser factory
     * @return the id, or null
     */
    public static String topLevelId(byte[] json, com.fasterxml.jackson.core.JsonFactory factory) {
        if (json == null || json.length <= 5 || json[0] != '{' || indexOf(json, ID_KEY) < 0) {
            return null; // no object, or no "id" anywhere in it: nothing to parse
        }
        try (com.fasterxml.jackson.core.JsonParser p = factory.createParser(json)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            String id = null;
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                boolean isId = "id".equals(p.currentName());
                com.fasterxml.jackson.core.JsonToken v = p.nextToken();
                if (isId) {
                    id = v == com.fasterxml.jackson.core.JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return id == null || id.isEmpty() ? null : id;
        } catch (IOException e) {
            return null; // the decoder validated the JSON; nothing to remember if it still fails
        }
    }

    private static final byte[] ID_KEY = {'"', 'i', 'd', '"'};

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

    /** @return the protobuf data, parsed on first use from the received bytes; null when there is none */
    private Value value() {
        Value v = value;
        if (v == null && valueBytes != null) {
            v = ProtoCodec.validatedValue(valueBytes);
            value = v;
        }
        return v;
    }

    /**
     * @param chunk a received rawBuffer chunk (not copied)
     * @param charset the configured encoding, for {@link #asText()}
     * @param mapper for lazy parsing
     * @return a {@code data} message
     */
    public static JsonMessage ofRaw(byte[] chunk, Charset charset, ObjectMapper mapper) {
        return new JsonMessage("data", chunk, mapper, charset, null, null, null, null, null, null, 0);
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
        return new JsonMessage("error", json, mapper, null, error, null, null, null, null, null, 0);
    }

    /** @return the JSON text of the data, made from a protobuf payload on first use; null when absent */
    private byte[] text() {
        byte[] d = data;
        if (d == null) {
            if (value == null && valueBytes != null) {
                d = ProtoCodec.toJson(valueBytes); // straight from the received bytes, without building the Value
            }
            if (d == null) {
                d = payloadJson();
                if (d == null) {
                    return null;
                }
            }
            data = d;
        }
        return d;
    }

    /** @return the JSON text of the protobuf payload (Value, typed or opaque), or null when there is none */
    private byte[] payloadJson() {
        Value v = value();
        if (v != null) {
            return ProtoCodec.toJson(v);
        }
        if (typed != null) {
            return Protos.typedToJson(typed, type, mapper.getFactory());
        }
        if (opaque != null) {
            try {
                return mapper.writeValueAsBytes(opaque); // base64, as Jackson writes byte[] in JSON mode
            } catch (IOException e) {
                throw new IpcException(IpcException.EDATA, "event '" + type + "': " + e.getMessage(), e);
            }
        }
        return null;
    }

    /** @return the JSON bytes (not copied) or null; for relaying */
    public byte[] jsonBytes() {
        return rawCharset == null ? text() : null;
    }

    /** @return the received protobuf data's validated bytes (not copied), or null when it came otherwise */
    public byte[] protoValueBytes() {
        return valueBytes;
    }

    /** @return true for a rawBuffer chunk */
    public boolean isRaw() {
        return rawCharset != null;
    }

    /** @return the typed payload, or null */
    public Any typedPayload() {
        return typed;
    }

    /** @return the opaque payload (not copied), or null */
    public byte[] opaquePayload() {
        return opaque;
    }

    /** @return the data as a protobuf Value (for relaying to a protobuf peer); null when absent */
    public Value protoValue() {
        Value v = value();
        if (v != null) {
            return v;
        }
        byte[] d = text();
        if (d == null) {
            return null;
        }
        try {
            return ProtoCodec.jsonToValue(d, mapper.getFactory());
        } catch (IOException e) {
            throw new IpcException(IpcException.EDATA,
                    "event '" + type + "': data is not valid JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public boolean hasData() {
        return data != null || value != null || valueBytes != null || typed != null || opaque != null;
    }

    @Override
    public String asText() {
        if (!hasData()) {
            return "";
        }
        if (rawCharset != null) {
            return new String(data, rawCharset);
        }
        // a string Value is cheap to build; any other received one is written as JSON from its bytes
        Value v = value != null || valueBytes != null && valueBytes.length > 0 && valueBytes[0] == 0x1a ? value() : null;
        if (v != null && v.hasStringValue()) {
            return v.getStringValue();
        }
        byte[] d = text();
        if (d.length > 0 && d[0] == '"') {
            return as(String.class);
        }
        return new String(d, StandardCharsets.UTF_8);
    }

    @Override
    public JsonNode json() {
        JsonNode t = tree;
        if (t == null) {
            if (!hasData()) {
                t = MissingNode.getInstance();
            } else if (rawCharset != null) {
                t = mapper.getNodeFactory().binaryNode(data);
            } else {
                try {
                    t = mapper.readTree(text());
                } catch (IOException e) {
                    throw new IpcException(IpcException.EDATA,
                            "event '" + type + "': data is not valid JSON: " + e.getMessage(),
                            e);
                }
            }
            tree = t;
        }
        return t;
    }

    @Override
    public <T> T as(Class<T> target) {
        if (!hasData()) {
            return null;
        }
        if (rawCharset != null && target == String.class) {
            return target.cast(asText());
        }
        if (Protos.isProto(target)) {
            if (typed != null) {
                return Protos.unpack(typed, target, type);
            }
            if (rawCharset == null && opaque == null) {
                return Protos.fromJson(text(), target, type);
            }
        }
        if (opaque != null && target == byte[].class) {
            return target.cast(opaque.clone());
        }
        try {
            return mapper.readValue(text(), target);
        } catch (IOException e) {
            throw new IpcException(IpcException.EDATA,
                    "event '" + type + "': cannot read data as " + target.getName() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public <T> T as(TypeReference<T> target) {
        if (!hasData()) {
            return null;
        }
        try {
            return mapper.readValue(text(), target);
        } catch (IOException e) {
            throw new IpcException(IpcException.EDATA,
                    "event '" + type + "': cannot read data as " + target.getType() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public byte[] bytes() {
        if (opaque != null) {
            return opaque.clone();
        }
        if (typed != null) {
            return typed.getValue().toByteArray();
        }
        byte[] d = text();
        return d == null ? new byte[0] : Arrays.copyOf(d, d.length);
    }

    @Override
    public Optional<IpcException> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public boolean isRequest() {
        return replier != null;
    }

    /** @return true when this request was answered (or is not a request) */
    boolean replied() {
        return replied == null || replied.get();
    }

    @Override
    public CompletionStage<Void> reply(Object data) {
        return answer(data, null, null);
    }

    @Override
    public CompletionStage<Void> replyError(String code, String message) {
        if (code == null || code.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("code must not be empty"));
        }
        return answer(null, code, message == null ? "" : message);
    }

    private CompletionStage<Void> answer(Object data, String code, String message) {
        if (replier == null) {
            return Message.super.reply(data);
        }
        if (!replied.compareAndSet(false, true)) {
            return CompletableFuture.failedFuture(new IpcException(IpcException.ESTATE,
                    "reply to '" + type + "' (request "
                    + requestId + "): already answered"));
        }
        return replier.sendReply(type, requestId, data, code, message);
    }

    @Override
    public String toString() {
        if (!hasData()) {
            return type + ": (no data)";
        }
        if (rawCharset != null) {
            return type + ": " + data.length + " raw bytes";
        }
        if (opaque != null) {
            return type + ": " + opaque.length + " opaque bytes";
        }
        if (typed != null && data == null) {
            return type + ": typed " + typed.getTypeUrl();
        }
        return type + ": " + new String(text(), StandardCharsets.UTF_8);
    }
}
