package io.jipc.internal.connection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.IpcException;
import io.jipc.internal.codec.PayloadFormat;
import java.nio.charset.Charset;

/**
 * A rawBuffer connection's {@code data} event: the received bytes as they came, with no codec. Its text is the bytes
 * decoded with the configured encoding, and that text is what a peer is sent when the message is relayed; bound
 * with {@code as(...)}, the bytes are read as JSON text, as a handler of a JSON-speaking raw peer expects.
 */
final class RawChunk implements PayloadFormat {
    private final Charset charset;

    /** @param charset the configured encoding */
    RawChunk(Charset charset) {
        this.charset = charset;
    }

    @Override
    public byte[] toJson(byte[] payload, String type, ObjectMapper mapper) {
        return payload;
    }

    @Override
    public String text(byte[] payload) {
        return new String(payload, charset);
    }

    /** A binary node: the chunk is not parsed. */
    @Override
    public JsonNode tree(byte[] payload, ObjectMapper mapper) {
        return mapper.getNodeFactory().binaryNode(payload);
    }

    @Override
    public Object bind(byte[] payload, Class<?> target, String type, ObjectMapper mapper) {
        return target == String.class ? text(payload) : UNBOUND;
    }

    @Override
    public String describe(byte[] payload) {
        return payload.length + " raw bytes";
    }

    /** A raw chunk names no peer. */
    @Override
    public String peerId(byte[] payload, ObjectMapper mapper) {
        return null;
    }

    /** Never asked: a raw connection has no replies. */
    @Override
    public RemoteError remoteError(byte[] error, ObjectMapper mapper) {
        return new RemoteError(IpcException.EREMOTE, "");
    }
}
