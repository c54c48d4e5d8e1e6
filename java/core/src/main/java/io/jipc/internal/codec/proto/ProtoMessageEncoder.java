package io.jipc.internal.codec.proto;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jipc.IpcException;
import io.jipc.internal.ReceivedMessage;
import io.jipc.internal.codec.CodecContext;
import io.jipc.internal.codec.FrameEncoder;
import io.jipc.proto.v1.Envelope;
import java.nio.ByteBuffer;

/**
 * What a user emits, requests or replies as one length-delimited {@code jipc.v1.Envelope} (a datagram: preamble
 * first): scalars and a relayed protobuf peer's data written by hand ({@link ProtoCodec#simpleFrame}), the rest built
 * as an Envelope. Thread-safe.
 */
final class ProtoMessageEncoder implements FrameEncoder {
    private static final Value EMPTY_OBJECT = Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build();
    private final ObjectMapper mapper;

    ProtoMessageEncoder(CodecContext ctx) {
        this.mapper = ctx.mapper();
    }

    @Override
    public ByteBuffer encode(boolean datagram, String type, Object data, long id, long re, String errCode,
            String errMessage) {
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
            byte[] value = data instanceof ReceivedMessage && ((ReceivedMessage) data).format() == ProtoPayload.VALUE
                    ? ((ReceivedMessage) data).payload() : null;
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

    private void setPayload(Envelope.Builder b, String type, Object data) {
        try {
            if (data == null) {
                b.setData(EMPTY_OBJECT); // node-ipc sends {} for undefined; so do we, in both codecs
            } else if (data instanceof ReceivedMessage) {
                relay(b, (ReceivedMessage) data);
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
            if (b.hasData() && !(data instanceof ReceivedMessage)) { // a received message's data was checked on receipt
                ProtoCodec.requireCarriable(b.getData());
                b.setData(ProtoCodec.finite(b.getData())); // NaN and infinities go out as null, as in JSON mode
            }
        } catch (IllegalArgumentException e) {
            throw new IpcException(IpcException.EDATA,
                    "emit '" + type + "': cannot write data as protobuf: " + e.getMessage(), e);
        }
    }

    /**
     * A received message's data as protobuf: this codec's own payloads as they came; data another format holds as
     * text (a string) as a string {@code Value}; anything else from its JSON form.
     */
    private void relay(Envelope.Builder b, ReceivedMessage m) {
        byte[] payload = m.payload();
        if (payload == null) {
            b.setData(EMPTY_OBJECT);
        } else if (m.format() == ProtoPayload.TYPED) {
            b.setTyped(ProtoPayload.any(payload));
        } else if (m.format() == ProtoPayload.OPAQUE) {
            b.setOpaque(ByteString.copyFrom(payload));
        } else if (m.format() == ProtoPayload.VALUE) {
            b.setData(ProtoCodec.validatedValue(payload));
        } else {
            String text = m.format().text(payload);
            if (text != null) {
                b.setData(Value.newBuilder().setStringValue(text));
                return;
            }
            try {
                b.setData(ProtoCodec.jsonToValue(m.jsonText(), mapper.getFactory()));
            } catch (java.io.IOException e) {
                throw new IpcException(IpcException.EDATA,
                        "event '" + m.type() + "': data is not valid JSON: " + e.getMessage(), e);
            }
        }
    }
}
