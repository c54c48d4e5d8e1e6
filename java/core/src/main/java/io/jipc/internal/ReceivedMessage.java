package io.jipc.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.jipc.IpcException;
import io.jipc.Message;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.internal.codec.json.JsonPayload;
import io.jipc.internal.codec.proto.Protos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A received event: its data held as the bytes its codec's decoder gave, with their {@link PayloadFormat}, and read
 * on demand. Every form a handler asks for comes from the format, or from the data's JSON form (made once, on first
 * use); an encoder of the same codec sends the bytes on as they came.
 */
public final class ReceivedMessage implements Message {
    private final String type;
    /** The data's bytes in {@link #format}; null when the frame had none. */
    private final byte[] payload;
    private final PayloadFormat format;
    private final ObjectMapper mapper;
    private final IpcException error;
    /** The data's JSON form, made on first use (the payload itself for JSON text). */
    private volatile byte[] json;
    private volatile JsonNode tree;
    // request: where and how to answer
    private final Replier replier;
    private final long requestId;
    private final AtomicBoolean replied;

    private ReceivedMessage(String type, byte[] payload, PayloadFormat format, ObjectMapper mapper, IpcException error,
            Replier replier, long requestId) {
        this.type = type;
        this.payload = payload;
        this.format = format;
        this.mapper = mapper;
        this.error = error;
        this.replier = requestId != 0 ? replier : null;
        this.requestId = this.replier != null ? requestId : 0;
        this.replied = this.replier != null ? new AtomicBoolean() : null;
    }

    /**
     * @param type event type
     * @param payload the data's bytes in {@code format} (not copied), or null when the frame had no data
     * @param format what the bytes are
     * @param mapper for the JSON form and binding
     * @param replier the connection to answer on
     * @param requestId the request's id; 0 for an ordinary event
     * @return the message
     */
    public static ReceivedMessage of(String type, byte[] payload, PayloadFormat format, ObjectMapper mapper,
            Replier replier, long requestId) {
        return new ReceivedMessage(type, payload, format, mapper, null, replier, requestId);
    }

    /**
     * @param type event type
     * @param payload the data's bytes in {@code format} (not copied), or null when there is no data
     * @param format what the bytes are
     * @param mapper for the JSON form and binding
     * @return a message that is not a request (a reply, a built-in event)
     */
    public static ReceivedMessage of(String type, byte[] payload, PayloadFormat format, ObjectMapper mapper) {
        return new ReceivedMessage(type, payload, format, mapper, null, null, 0);
    }

    /**
     * @param type event type
     * @param json UTF-8 JSON text of the data, or null when absent (not copied)
     * @param mapper for binding
     * @return a built-in event's message
     */
    public static ReceivedMessage ofJson(String type, byte[] json, ObjectMapper mapper) {
        return of(type, json, JsonPayload.TEXT, mapper);
    }

    /**
     * @param error the error
     * @param mapper for the data form
     * @return an {@code error} message whose data is {@code {"message":...,"code":...}}
     */
    public static ReceivedMessage ofError(IpcException error, ObjectMapper mapper) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(mapper.createObjectNode().put("message", error.getMessage())
                    .put("code", error.code()));
        } catch (IOException e) {
            json = null;
        }
        return new ReceivedMessage("error", json, JsonPayload.TEXT, mapper, error, null, 0);
    }

    /** @return the data's bytes as received (not copied), or null when there is none; read with {@link #format()} */
    public byte[] payload() {
        return payload;
    }

    /** @return what {@link #payload()} is */
    public PayloadFormat format() {
        return format;
    }

    /** @return the data's JSON form, made once from the payload; null when there is no data */
    public byte[] jsonText() {
        byte[] j = json;
        if (j == null && payload != null) {
            j = format.toJson(payload, type, mapper);
            json = j;
        }
        return j;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public boolean hasData() {
        return payload != null;
    }

    @Override
    public String asText() {
        if (payload == null) {
            return "";
        }
        String t = format.text(payload);
        if (t != null) {
            return t;
        }
        byte[] d = jsonText();
        if (d.length > 0 && d[0] == '"') {
            return as(String.class);
        }
        return new String(d, StandardCharsets.UTF_8);
    }

    @Override
    public JsonNode json() {
        JsonNode t = tree;
        if (t == null) {
            if (payload == null) {
                t = MissingNode.getInstance();
            } else {
                t = format.tree(payload, mapper);
                if (t == null) {
                    try {
                        t = mapper.readTree(jsonText());
                    } catch (IOException e) {
                        throw new IpcException(IpcException.EDATA,
                                "event '" + type + "': data is not valid JSON: " + e.getMessage(), e);
                    }
                }
            }
            tree = t;
        }
        return t;
    }

    @Override
    public <T> T as(Class<T> target) {
        if (payload == null) {
            return null;
        }
        Object bound = format.bind(payload, target, type, mapper);
        if (bound != PayloadFormat.UNBOUND) {
            return target.cast(bound);
        }
        if (Protos.isProto(target)) {
            return Protos.fromJson(jsonText(), target, type); // a generated class reads its proto3 JSON form
        }
        try {
            return mapper.readValue(jsonText(), target);
        } catch (IOException e) {
            throw new IpcException(IpcException.EDATA,
                    "event '" + type + "': cannot read data as " + target.getName() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public <T> T as(TypeReference<T> target) {
        if (payload == null) {
            return null;
        }
        try {
            return mapper.readValue(jsonText(), target);
        } catch (IOException e) {
            throw new IpcException(IpcException.EDATA,
                    "event '" + type + "': cannot read data as " + target.getType() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public byte[] bytes() {
        if (payload == null) {
            return new byte[0];
        }
        byte[] exact = format.exactBytes(payload);
        if (exact != null) {
            return exact;
        }
        byte[] d = jsonText();
        return Arrays.copyOf(d, d.length);
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
        if (payload == null) {
            return type + ": (no data)";
        }
        String shown = format.describe(payload);
        return type + ": " + (shown != null ? shown : new String(jsonText(), StandardCharsets.UTF_8));
    }
}
