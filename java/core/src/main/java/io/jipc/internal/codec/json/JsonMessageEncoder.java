package io.jipc.internal.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jipc.IpcException;
import io.jipc.internal.ReceivedMessage;
import io.jipc.internal.codec.CodecContext;
import io.jipc.internal.codec.FrameEncoder;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.internal.codec.RawJson;
import io.jipc.internal.codec.proto.ProtoCodec;
import io.jipc.internal.codec.proto.Protos;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a user emits, requests or replies as one node-ipc JSON frame: {@code {"type":...,"data":...}} and the
 * delimiter, with jipc's request/response keys after type and data when needed. A received message is relayed as
 * its JSON text; protobuf data as its proto3 JSON form. Thread-safe.
 */
final class JsonMessageEncoder implements FrameEncoder {
    private final JsonFactory factory;
    private final byte[] delimiter;
    private final JsonFrameEncoder encoder;

    JsonMessageEncoder(CodecContext ctx) {
        this.factory = ctx.jsonFactory();
        this.delimiter = ctx.config().delimiter().getBytes(StandardCharsets.UTF_8);
        this.encoder = new JsonFrameEncoder(delimiter, ctx.mapper());
    }

    @Override
    public boolean encodesSmall() {
        return true;
    }

    @Override
    public int encodeSmall(String type, Object data, byte[] scratch) {
        return encoder.encodeSmall(type, data, scratch);
    }

    @Override
    public ByteBuffer encode(boolean datagram, String type, Object data, long id, long re, String errCode,
            String errMessage) {
        if (id == 0 && re == 0) {
            return ByteBuffer.wrap(event(type, data));
        }
        return ByteBuffer.wrap(withKeys(type, errCode != null ? null : data, id, re, errCode, errMessage));
    }

    /** A frame without request/response keys. */
    private byte[] event(String type, Object data) {
        Object wire = data;
        if (data instanceof ReceivedMessage) {
            wire = relayed((ReceivedMessage) data);
        } else if (data instanceof com.google.protobuf.MessageOrBuilder) {
            // a protobuf message travels as its proto3 JSON form in JSON mode (Value/Struct/ListValue: plain JSON)
            Value plain = data instanceof Value ? (Value) data : data instanceof Struct
                    ? Value.newBuilder().setStructValue((Struct) data).build() : data instanceof ListValue
                    ? Value.newBuilder().setListValue((ListValue) data).build() : null;
            if (plain != null) {
                try {
                    ProtoCodec.requireCarriable(plain); // what the proto path checks (setPayload)
                } catch (IllegalArgumentException e) {
                    throw new IpcException(IpcException.EDATA, "emit '" + type + "': cannot write data as JSON: "
                            + e.getMessage(), e);
                }
            }
            if (data instanceof com.google.protobuf.Message) {
                Protos.register((com.google.protobuf.Message) data);
            }
            // plain JSON data is written directly (NaN and infinities as null, as in proto mode); other messages
            // as their proto3 JSON form
            wire = new RawJson(plain != null ? ProtoCodec.toJson(ProtoCodec.finite(plain))
                    : Protos.toJson((com.google.protobuf.MessageOrBuilder) data, factory));
        }
        try {
            return encoder.encode(type, wire);
        } catch (IllegalArgumentException e) {
            throw new IpcException(IpcException.EDATA,
                    "emit '" + type + "': cannot write data as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A received message's data as this encoder writes it: JSON text as it came; data its format holds as text (a
     * string) as that string; anything else as its JSON form.
     */
    private static Object relayed(ReceivedMessage m) {
        byte[] payload = m.payload();
        if (payload == null) {
            return null;
        }
        PayloadFormat f = m.format();
        if (f != JsonPayload.TEXT) {
            String text = f.text(payload);
            if (text != null) {
                return text;
            }
        }
        return new RawJson(m.jsonText());
    }

    private static final byte[] ID_KEY = ",\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RE_KEY = ",\"re\":".getBytes(StandardCharsets.US_ASCII);

    /** A JSON frame with jipc's request/response keys after type and data ({@code proto/README.md}, JSON mode). */
    private byte[] withKeys(String type, Object data, long id, long re, String errCode, String errMessage) {
        byte[] plain = event(type, errCode != null ? null : data);
        int close = plain.length - delimiter.length - 1; // the envelope's closing brace
        byte[] head = plain;
        int headLen = close;
        if (errCode != null) {
            // a failed reply has no data: drop the ,"data":{} the encoder wrote for null
            byte[] dataKey = ",\"data\":{}".getBytes(StandardCharsets.US_ASCII);
            headLen = close - dataKey.length;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(plain.length + 64);
        out.write(head, 0, headLen);
        if (id != 0) {
            out.writeBytes(ID_KEY);
            out.writeBytes(Long.toString(id).getBytes(StandardCharsets.US_ASCII));
        }
        if (re != 0) {
            out.writeBytes(RE_KEY);
            out.writeBytes(Long.toString(re).getBytes(StandardCharsets.US_ASCII));
        }
        if (errCode != null) {
            java.util.Map<String, String> err = new java.util.LinkedHashMap<>();
            err.put("code", errCode);
            err.put("message", errMessage);
            byte[] e = encoder.encode("x", err);
            // {"type":"x","data":{...}}<delim> : take the data value
            int from = "{\"type\":\"x\",\"data\":".length();
            out.writeBytes(",\"error\":".getBytes(StandardCharsets.US_ASCII));
            out.write(e, from, e.length - delimiter.length - 1 - from);
        }
        out.write('}');
        out.writeBytes(delimiter);
        return out.toByteArray();
    }
}
