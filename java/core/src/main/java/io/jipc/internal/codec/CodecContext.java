package io.jipc.internal.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.IpcConfig;

/**
 * What codecs are made with: one {@code Ipc} instance's validated config and its JSON mapper (whose factory carries
 * the read limits). Immutable.
 *
 * @param config the validated config
 * @param mapper the instance's JSON mapper
 */
public record CodecContext(IpcConfig config, ObjectMapper mapper) {

    /** @return the mapper's parser factory (with the instance's read constraints) */
    public JsonFactory jsonFactory() {
        return mapper.getFactory();
    }
}
