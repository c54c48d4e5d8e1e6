package io.jipc.internal.codec.proto;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import io.jipc.IpcException;
import io.jipc.internal.codec.PayloadFormat;
import java.io.IOException;

/**
 * The protobuf codec's payloads: the bytes of an Envelope's {@code data} ({@code google.protobuf.Value}),
 * {@code typed} ({@code google.protobuf.Any}) or {@code opaque} field, validated by the decoder (UTF-8, nesting,
 * finite numbers) and parsed only when a handler reads them. A failed reply's error is a serialized
 * {@code jipc.v1.Error} whichever payload kind the frame has.
 */
public enum ProtoPayload implements PayloadFormat {

    /** A serialized {@code google.protobuf.Value}: shown as the same JSON a JSON peer would send. */
    VALUE {
        @Override
        public byte[] toJson(byte[] payload, String type, ObjectMapper mapper) {
            byte[] json = ProtoCodec.toJson(payload); // straight from the bytes, without building the Value
            return json != null ? json : ProtoCodec.toJson(ProtoCodec.validatedValue(payload));
        }

        /** A string Value is cheap to read; any other is shown as its JSON text. */
        @Override
        public String text(byte[] payload) {
            if (payload.length == 0 || payload[0] != 0x1a) { // string_value = 3
                return null;
            }
            Value v = ProtoCodec.validatedValue(payload);
            return v.hasStringValue() ? v.getStringValue() : null;
        }

        /** Node-ipc clients send their id at the top level of an object. */
        @Override
        public String peerId(byte[] payload, ObjectMapper mapper) {
            return ProtoCodec.peerId(payload);
        }
    },

    /** A serialized {@code google.protobuf.Any}: a typed payload, bound to its generated class. */
    TYPED {
        @Override
        public byte[] toJson(byte[] payload, String type, ObjectMapper mapper) {
            return Protos.typedToJson(any(payload), type, mapper.getFactory());
        }

        @Override
        public Object bind(byte[] payload, Class<?> target, String type, ObjectMapper mapper) {
            return Protos.isProto(target) ? Protos.unpack(any(payload), target, type) : UNBOUND;
        }

        /** The message's own binary encoding ({@code Any.value}). */
        @Override
        public byte[] exactBytes(byte[] payload) {
            return any(payload).getValue().toByteArray();
        }

        @Override
        public String describe(byte[] payload) {
            return "typed " + any(payload).getTypeUrl();
        }
    },

    /** Opaque bytes: shown in JSON as a base64 string, read as they are with {@code bytes()}. */
    OPAQUE {
        @Override
        public byte[] toJson(byte[] payload, String type, ObjectMapper mapper) {
            try {
                return mapper.writeValueAsBytes(payload); // base64, as Jackson writes byte[] in JSON mode
            } catch (IOException e) {
                throw new IpcException(IpcException.EDATA, "event '" + type + "': " + e.getMessage(), e);
            }
        }

        @Override
        public Object bind(byte[] payload, Class<?> target, String type, ObjectMapper mapper) {
            return target == byte[].class ? payload.clone() : UNBOUND;
        }

        @Override
        public byte[] exactBytes(byte[] payload) {
            return payload.clone();
        }

        @Override
        public String describe(byte[] payload) {
            return payload.length + " opaque bytes";
        }
    };

    /** Typed and opaque payloads carry no peer id (node-ipc sends JSON objects). */
    @Override
    public String peerId(byte[] payload, ObjectMapper mapper) {
        return null;
    }

    /** The reply's {@code jipc.v1.Error}. */
    @Override
    public RemoteError remoteError(byte[] error, ObjectMapper mapper) {
        try {
            io.jipc.proto.v1.Error e = io.jipc.proto.v1.Error.parseFrom(error);
            return new RemoteError(e.getCode().isEmpty() ? IpcException.EREMOTE : e.getCode(), e.getMessage());
        } catch (InvalidProtocolBufferException e) {
            return new RemoteError(IpcException.EREMOTE, "unreadable error: " + e.getMessage());
        }
    }

    /** Parses a typed payload the decoder already validated. */
    static Any any(byte[] payload) {
        try {
            return Any.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a validated typed payload did not parse", e);
        }
    }
}
