package io.jipc.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** node's encoding names (as used by node-ipc's {@code encoding} option) mapped to Java charsets. */
public final class NodeEncoding {
    private NodeEncoding() {
    }

    /**
     * Resolves a node encoding name.
     *
     * @param encoding utf8, utf-8, ascii, latin1, binary, ucs2, ucs-2, utf16le or utf-16le (any case)
     * @return the charset
     * @throws IllegalArgumentException when the name is not one of those
     */
    public static Charset charset(String encoding) {
        switch (encoding.toLowerCase(Locale.ROOT)) {
            case "utf8":
            case "utf-8":
                return StandardCharsets.UTF_8;
            case "ascii":
                return StandardCharsets.US_ASCII;
            case "latin1":
            case "binary":
                return StandardCharsets.ISO_8859_1;
            case "ucs2":
            case "ucs-2":
            case "utf16le":
            case "utf-16le":
                return StandardCharsets.UTF_16LE;
            default:
                throw new IllegalArgumentException("must be one of utf8, ascii, latin1, binary, ucs2, utf16le");
        }
    }
}
