package io.jipc.jmh;

import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.PayloadFormat;

/**
 * Captures the last frame a decoder delivered, so its work is consumed and can be checked: the type, and the payload
 * as the decoder handed it over (its bytes and their format).
 */
final class LastFrameSink implements FrameSink {
    String type;
    byte[] payload;
    PayloadFormat format;
    int malformed;

    @Override
    public void onFrame(String t, byte[] d, PayloadFormat f, long id, long re, byte[] error) {
        type = t;
        payload = d;
        format = f;
    }

    @Override
    public boolean onMalformed(String code, String reason) {
        malformed++;
        return true;
    }
}
