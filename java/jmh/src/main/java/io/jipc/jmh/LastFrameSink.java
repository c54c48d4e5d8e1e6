package io.jipc.jmh;

import io.jipc.internal.codec.FrameSink;
import io.jipc.proto.v1.Envelope;

/**
 * Captures the last frame a decoder delivered, so its work is consumed and can be checked: the type, and the payload
 * as the decoder handed it over (JSON data bytes, a protobuf Value's bytes, or an Envelope).
 */
final class LastFrameSink implements FrameSink {
    String type;
    Object payload;
    int malformed;

    @Override
    public void onFrame(String t, byte[] d) {
        type = t;
        payload = d;
    }

    @Override
    public void onEnvelope(Envelope env) {
        type = env.getType();
        payload = env;
    }

    @Override
    public void onProtoValue(String t, byte[] value, long id, long re) {
        type = t;
        payload = value;
    }

    @Override
    public boolean onMalformed(String code, String reason) {
        malformed++;
        return true;
    }
}
