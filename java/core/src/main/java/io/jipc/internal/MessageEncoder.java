package io.jipc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.internal.codec.Codec;
import io.jipc.internal.codec.JsonFrameEncoder;
import io.jipc.internal.codec.ProtoCodec;
import io.jipc.internal.codec.RawJson;
import io.jipc.proto.v1.Envelope;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Turns what a user emits, requests or replies into the bytes of one frame for a codec: a JSON frame (with jipc's
 * request/response keys when needed), a protobuf envelope, or in rawBuffer mode the type as text. The one place that
 * chooses the encoding by {@link Codec}. Thread-safe; one per {@code Ipc} instance.
 */
public final class MessageEncoder {
    private final IpcConfig config;
    private final ObjectMapper mapper;
    private final JsonFactory factory;
    private final byte[] delimiter;
    private final Charset rawCharset;
    private final JsonFrameEncoder encoder;

    /**
     * @param config the validated config (rawBuffer, delimiter)
     * @param mapper the instance's JSON mapper
     * @param rawCharset the charset of rawBuffer text
     */
    MessageEncoder(IpcConfig config, ObjectMapper mapper, Charset rawCharset) {
        this.config = config;
        this.mapper = mapper;
        this.factory = mapper.getFactory();
        this.delimiter = config.delimiter().getBytes(StandardCharsets.UTF_8);
        this.rawCharset = rawCharset;
        this.encoder = new JsonFrameEncoder(delimiter, mapper);
    }

    /** @return the JSON frame encoder (its small-frame path writes into a caller's array) */
    public JsonFrameEncoder json() {
        return encoder;
    }

    /**
     * Encodes a small JSON event frame into {@code scratch} when the codec and the mode allow it (see
     * {@link JsonFrameEncoder#encodeSmall}).
     *
     * @param codec the connection's codec
     * @param type the event type
     * @param data the data
     * @param scratch where the frame is written
     * @return the frame's length, or -1 when it is not written that way (another codec, rawBuffer, other data)
     */
    public int encodeSmall(Codec codec, String type, Object data, byte[] scratch) {
        return encodesSmall(codec) ? encoder.encodeSmall(type, data, scratch) : -1;
    }

    /**
     * @param codec a connection's codec
     * @return whether {@link #encodeSmall} may write its frames (JSON, not rawBuffer)
     */
    public boolean encodesSmall(Codec codec) {
        return codec == Codec.JSON && !config.rawBuffer();
    }

    /**
     * Encodes an event (no request id) for a codec: the plain JSON path when the codec is JSON.
     *
     * @param codec the connection's codec
     * @param datagram true for a UDP datagram
     * @param type the event type
     * @param data the data
     * @return the bytes to write
     * @throws IpcException ({@code EDATA}) when the data cannot be written
     */
    public ByteBuffer event(Codec codec, boolean datagram, String type, Object data) {
        return codec == Codec.JSON ? encode(type, data) : encode(codec, datagram, type, data, 0, 0, null, null);
    }

    /**
     * Encodes an emit as the bytes to write: a JSON frame, or in rawBuffer mode the type as text.
     *
     * @param type the event type
     * @param data the data
     * @return the bytes to write
     * @throws IpcException ({@code EDATA}) when the data cannot be written
     */
    public ByteBuffer encode(String type, Object data) {
        if (type == null) {
            throw new IpcException(IpcException.EDATA, "emit: type must not be null");
        }
        if (config.rawBuffer()) {
            return ByteBuffer.wrap(type.getBytes(rawCharset));
        }
        requireType(type);
        Object wire = data;
        if (data instanceof JsonMessage) {
            JsonMessage m = (JsonMessage) data;
            wire = m.isRaw() ? m.asText() : (m.jsonBytes() == null ? null : new RawJson(m.jsonBytes()));
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
            return ByteBuffer.wrap(encoder.encode(type, wire));
        } catch (IllegalArgumentException e) {
            throw new IpcException(IpcException.EDATA,
                    "emit '" + type + "': cannot write data as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Encodes a message for one codec.
     *
     * @param codec the connection's codec
     * @param datagram true for a UDP datagram (proto: preamble first)
     * @param type event type
     * @param data the data, as for emit
     * @param id request id, 0 for none
     * @param re id replied to, 0 for none
     * @param errCode error code of a failed reply, or null
     * @param errMessage its message
     * @return the bytes to write
     * @throws IpcException ({@code EDATA}) when the data cannot be written
     */
    public ByteBuffer encode(Codec codec, boolean datagram, String type, Object data, long id, long re, String errCode,
            String errMessage) {
        if (config.rawBuffer()) {
            return encode(type, data);
        }
        if (codec == Codec.JSON) {
            if (id == 0 && re == 0) {
                return encode(type, data);
            }
            return ByteBuffer.wrap(jsonWithKeys(type, errCode != null ? null : data, id, re, errCode, errMessage));
        }
        if (type == null) {
            throw new IpcException(IpcException.EDATA, "emit: type must not be null");
        }
        requireType(type);
        if (errCode == null) {
            byte[] simple;
            try {
                simple = ProtoCodec.simpleFrame(type, data, id, re, datagram);
            } catch (IllegalArgumentException e) {
                throw new IpcException(IpcException.EDATA, "emit '" + type + "': cannot write data as protobuf: "
                        + e.getMessage(), e);
            }
            if (simple != null) {
                return ByteBuffer.wrap(simple);
            }
            byte[] value = data instanceof JsonMessage ? ((JsonMessage) data).protoValueBytes() : null;
            if (value != null) {
                // relaying a protobuf peer's data to protobuf peers: its validated bytes, never built as a Value
                return ByteBuffer.wrap(ProtoCodec.valueFrame(type, value, id, re, datagram));
            }
        }
        Envelope.Builder b = Envelope.newBuilder().setType(type).setId(id).setRe(re);
        if (errCode != null) {
            b.setError(io.jipc.proto.v1.Error.newBuilder().setCode(errCode).setMessage(errMessage));
        } else {
            setPayload(b, type, data);
        }
        return ByteBuffer.wrap(ProtoCodec.frame(b.build(), datagram));
    }

    private static final Value EMPTY_OBJECT = Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build();

    /**
     * Refuses a type no peer accepts, in either codec ({@code proto/README.md}, sections 1 and 7): empty, or not
     * Unicode text (a lone surrogate).
     */
    private static void requireType(String type) {
        if (type.isEmpty()) {
            throw new IpcException(IpcException.EDATA, "emit: type must not be empty");
        }
        try {
            ProtoCodec.requireText(type);
        } catch (IllegalArgumentException e) {
            throw new IpcException(IpcException.EDATA, "emit: type " + e.getMessage(), e);
        }
    }

    private void setPayload(Envelope.Builder b, String type, Object data) {
        try {
            if (data == null) {
                b.setData(EMPTY_OBJECT); // node-ipc sends {} for undefined; so do we, in both codecs
            } else if (data instanceof JsonMessage) {
                JsonMessage m = (JsonMessage) data;
                if (m.typedPayload() != null) {
                    b.setTyped(m.typedPayload());
                } else if (m.opaquePayload() != null) {
                    b.setOpaque(ByteString.copyFrom(m.opaquePayload()));
                } else if (m.isRaw()) {
                    b.setData(Value.newBuilder().setStringValue(m.asText()));
                } else {
                    Value v = m.protoValue();
                    b.setData(v == null ? EMPTY_OBJECT : v);
                }
            } else if (data instanceof String) {
                b.setData(Value.newBuilder().setStringValue((String) data));
            } else if (data instanceof Boolean) {
                b.setData(Value.newBuilder().setBoolValue((Boolean) data));
            } else if (data instanceof Number && !(data instanceof java.math.BigDecimal)) {
                b.setData(ProtoCodec.number(((Number) data).doubleValue()));
            } else if (data instanceof Value) {
                b.setData((Value) data);
            } else if (data instanceof Struct) {
                b.setData(Value.newBuilder().setStructValue((Struct) data));
            } else if (data instanceof ListValue) {
                b.setData(Value.newBuilder().setListValue((ListValue) data));
            } else if (data instanceof com.google.protobuf.Message
                    || data instanceof com.google.protobuf.Message.Builder) {
                com.google.protobuf.Message m = data instanceof com.google.protobuf.Message.Builder
                        ? ((com.google.protobuf.Message.Builder) data).build() : (com.google.protobuf.Message) data;
                Protos.register(m);
                b.setTyped(Any.pack(m));
            } else if (data instanceof byte[]) {
                b.setOpaque(ByteString.copyFrom((byte[]) data));
            } else if (data instanceof com.fasterxml.jackson.databind.JsonNode) {
                b.setData(ProtoCodec.toValue((com.fasterxml.jackson.databind.JsonNode) data));
            } else {
                b.setData(ProtoCodec.toValue(mapper.valueToTree(data)));
            }
            if (b.hasData() && !(data instanceof JsonMessage)) { // a received message's data was checked on receipt
                ProtoCodec.requireCarriable(b.getData());
                b.setData(ProtoCodec.finite(b.getData())); // NaN and infinities go out as null, as in JSON mode
            }
        } catch (IllegalArgumentException e) {
            throw new IpcException(IpcException.EDATA,
                    "emit '" + type + "': cannot write data as protobuf: " + e.getMessage(), e);
        }
    }

    private static final byte[] ID_KEY = ",\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RE_KEY = ",\"re\":".getBytes(StandardCharsets.US_ASCII);

    /** A JSON frame with jipc's request/response keys after type and data ({@code proto/README.md}, JSON mode). */
    private byte[] jsonWithKeys(String type, Object data, long id, long re, String errCode, String errMessage) {
        byte[] plain = encode(type, errCode != null ? null : data).array();
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
