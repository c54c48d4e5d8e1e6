package io.jipc.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A pre-encoded JSON value (UTF-8 bytes of one complete JSON value), written verbatim.
 * The encoder neither validates nor copies the array, so callers must not modify it after handing it over.
 *
 * @param utf8 UTF-8 bytes of exactly one JSON value, e.g. {@code {"n":1}} or {@code "hello"}
 */
public record RawJson(byte[] utf8) {

    /**
     * Checks the array is present.
     *
     * @param utf8 UTF-8 bytes of exactly one JSON value
     */
    public RawJson {
        Objects.requireNonNull(utf8, "utf8");
    }

    /**
     * Wraps the UTF-8 encoding of {@code json}.
     *
     * @param json text of one JSON value
     * @return the wrapped value
     */
    public static RawJson of(String json) {
        return new RawJson(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Compares by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RawJson other && Arrays.equals(utf8, other.utf8);
    }

    /** Hashes by content. */
    @Override
    public int hashCode() {
        return Arrays.hashCode(utf8);
    }

    /** The JSON text (decoded as UTF-8). */
    @Override
    public String toString() {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
