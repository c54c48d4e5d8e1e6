package io.jipc.internal.codec.proto;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.proto.v1.Envelope;

/** Test helper: the Envelope a protobuf decoder's frame stands for, rebuilt from what it gave the sink. */
public final class Envelopes {
    private Envelopes() {
    }

    /**
     * @return the envelope with that type, payload (in its {@link ProtoPayload} field), id, re and error
     * @throws AssertionError when the format is not a protobuf one or the bytes do not parse
     */
    public static Envelope of(String type, byte[] payload, PayloadFormat format, long id, long re, byte[] error) {
        Envelope.Builder b = Envelope.newBuilder().setType(type).setId(id).setRe(re);
        try {
            if (payload != null) {
                switch ((ProtoPayload) format) {
                    case VALUE -> b.setData(Value.parseFrom(payload));
                    case TYPED -> b.setTyped(Any.parseFrom(payload));
                    case OPAQUE -> b.setOpaque(ByteString.copyFrom(payload));
                    default -> throw new AssertionError(format);
                }
            }
            if (error != null) {
                b.setError(io.jipc.proto.v1.Error.parseFrom(error));
            }
        } catch (InvalidProtocolBufferException | ClassCastException e) {
            throw new AssertionError("the decoder gave bytes that are not its own payload: " + format, e);
        }
        return b.build();
    }
}
