package io.jipc.internal.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jipc.internal.codec.FrameBuffer;
import io.jipc.internal.codec.RawJson;
import io.jipc.internal.codec.proto.ProtoCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Encodes node-ipc JSON frames: {@code UTF8(JSON.stringify({type, data})) + delimiter}, byte-identical to node-ipc.
 * Thread-safe.
 *
 * <p>Strings (the type, String data and every string or name the mapper writes) are escaped exactly like
 * {@code JSON.stringify}; doubles and floats are written in JavaScript number notation (NaN and infinities as
 * {@code null}). How other Java types map to JSON is the mapper's business (for instance {@code byte[]} becomes a
 * base64 string, not node's {@code {"type":"Buffer",...}}).
 */
public final class JsonFrameEncoder {

    private static final byte[] PREFIX = "{\"type\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_KEY = ",\"data\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_OBJECT = {'{', '}'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    /** Scratch buffers above this size are not kept by a thread after {@link #encode}. */
    private static final int SCRATCH_RETAIN_LIMIT = 64 * 1024;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * A generator that writes JSON as {@code JSON.stringify} does (numbers in JavaScript notation, lowercase-hex
     * escapes, raw astral characters), for other codecs that show their data as JSON text.
     *
     * @param out where the UTF-8 text goes
     * @return the generator (the caller closes it)
     * @throws IOException when the generator cannot be made
     */
    public static JsonGenerator jsGenerator(OutputStream out) throws IOException {
        return new JsCompatGenerator(JS_FACTORY.createGenerator(out));
    }

    /** Generators whose string escaping matches JSON.stringify (lowercase hex, raw astral chars). */
    static final JsonFactory JS_FACTORY = JsonFactory.builder()
            // data nested deeper than both codecs accept is refused when written (proto/README.md, section 7)
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(ProtoCodec.MAX_DATA_DEPTH).build())
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
            .build();

    private final byte[] delimiter;
    private final ObjectWriter writer;

    /**
     * Creates an encoder.
     *
     * @param delimiter frame delimiter, non-empty (node-ipc's default is {@code 0x0C})
     * @param mapper serialises data values other than strings, booleans, integral numbers and {@link RawJson};
     *     only its serialisation settings are used (never indentation or root wrapping), it is not modified
     */
    public JsonFrameEncoder(byte[] delimiter, ObjectMapper mapper) {
        Objects.requireNonNull(delimiter, "delimiter");
        Objects.requireNonNull(mapper, "mapper");
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        this.delimiter = delimiter.clone();
        this.writer = mapper.writer()
                .without(SerializationFeature.INDENT_OUTPUT)
                .without(SerializationFeature.WRAP_ROOT_VALUE);
    }

    /**
     * Encodes one frame.
     *
     * @param type the frame type (not null)
     * @param data null means absent: encoded as {@code {}} exactly like node-ipc does for undefined.
     *     {@code data instanceof RawJson}: its bytes are copied verbatim as the data value. Anything else (String,
     *     Number, Boolean, JsonNode incl. NullNode as null, Map, List, records, POJOs) is written by the mapper.
     * @return the frame bytes, delimiter included
     * @throws IllegalArgumentException naming the type if Jackson cannot serialise the value
     */
    public byte[] encode(String type, Object data) {
        Objects.requireNonNull(type, "type");
        byte[] direct = encodeDirect(type, data);
        if (direct != null) {
            return direct;
        }
        Scratch s = SCRATCH.get();
        if (s.inUse) { // re-entered from a serialiser running on this thread
            FrameBuffer own = new FrameBuffer();
            encodeTo(type, data, own);
            return own.toByteArray();
        }
        s.inUse = true;
        FrameBuffer buf = s.buffer;
        try {
            buf.reset();
            encodeTo(type, data, buf);
            return buf.toByteArray();
        } finally {
            buf.reset();
            if (buf.capacity() > SCRATCH_RETAIN_LIMIT) {
                s.buffer = new FrameBuffer();
            }
            s.inUse = false;
        }
    }

    /** Longest type {@link #encodeDirect} handles. */
    private static final int DIRECT_MAX_TYPE = 64;

    /**
     * The common frames, written straight into an array of the exact size (no scratch buffer, no copy): a short
     * type and a String, absent, RawJson or Boolean data value, with nothing to escape.
     *
     * @return the frame, or null if it is not one of those
     */
    private byte[] encodeDirect(String type, Object data) {
        byte[] d = directData(type, data);
        if (d == null) {
            return null;
        }
        boolean quote = data instanceof String;
        byte[] f = new byte[directLength(type, d, quote)];
        writeDirect(type, d, quote, f);
        return f;
    }

    /**
     * Writes the frame of {@link #encode} into a caller's array when it is one of the common kinds (a short type and
     * a String, absent, {@link RawJson} or Boolean data value, with nothing to escape) and fits; for the emit path,
     * which copies it on into a batch without allocating a frame.
     *
     * @param type the frame type
     * @param data the data value
     * @param dst where the frame goes, from index 0
     * @return the frame's length, or -1 when it is not one of those kinds, the type is null, or it is longer than
     *     {@code dst} (then nothing is guaranteed about {@code dst})
     */
    public int encodeSmall(String type, Object data, byte[] dst) {
        if (type == null) {
            return -1;
        }
        byte[] d = directData(type, data);
        if (d == null) {
            return -1;
        }
        boolean quote = data instanceof String;
        int n = directLength(type, d, quote);
        if (n > dst.length) {
            return -1;
        }
        writeDirect(type, d, quote, dst);
        return n;
    }

    /**
     * @return the bytes of the data value of a frame {@link #writeDirect} can write (a String's without its quotes),
     *     or null when the type or the data disqualifies it
     */
    private static byte[] directData(String type, Object data) {
        byte[] d;
        boolean quote = false;
        if (data instanceof String str) {
            if (str.length() > JsJson.BULK_MAX) {
                return null;
            }
            quote = true;
            d = null; // after the type check: don't encode the data if the type disqualifies
        } else if (data == null) {
            d = EMPTY_OBJECT;
        } else if (data instanceof RawJson raw) {
            d = raw.utf8();
        } else if (data instanceof Boolean bool) {
            d = bool ? TRUE : FALSE;
        } else {
            return null;
        }
        if (!JsJson.isPlainAscii(type, DIRECT_MAX_TYPE)) {
            return null;
        }
        return quote ? JsJson.plainUtf8((String) data) : d;
    }

    private int directLength(String type, byte[] d, boolean quote) {
        return PREFIX.length + type.length() + 2 + DATA_KEY.length + d.length + (quote ? 2 : 0) + 1 + delimiter.length;
    }

    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for ASCII
    private void writeDirect(String type, byte[] d, boolean quote, byte[] f) {
        final int tlen = type.length();
        System.arraycopy(PREFIX, 0, f, 0, PREFIX.length);
        int p = PREFIX.length;
        f[p++] = '"';
        type.getBytes(0, tlen, f, p);
        p += tlen;
        f[p++] = '"';
        System.arraycopy(DATA_KEY, 0, f, p, DATA_KEY.length);
        p += DATA_KEY.length;
        if (quote) {
            f[p++] = '"';
        }
        System.arraycopy(d, 0, f, p, d.length);
        p += d.length;
        if (quote) {
            f[p++] = '"';
        }
        f[p++] = '}';
        System.arraycopy(delimiter, 0, f, p, delimiter.length);
    }

    /**
     * Same as {@link #encode}, appending into a caller-supplied growable buffer (for batching). On failure the
     * buffer is left as it was.
     *
     * @param type the frame type (not null)
     * @param data the data value, as for {@link #encode}
     * @param out buffer the frame is appended to
     * @throws IllegalArgumentException naming the type if Jackson cannot serialise the value
     */
    public void encodeTo(String type, Object data, FrameBuffer out) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(out, "out");
        final int mark = out.length();
        boolean done = false;
        try {
            out.append(PREFIX);
            JsJson.writeString(type, out);
            out.append(DATA_KEY);
            writeData(data, out);
            out.appendByte('}');
            out.append(delimiter);
            done = true;
        } finally {
            if (!done) {
                out.setLength(mark);
            }
        }
    }

    private void writeData(Object data, FrameBuffer out) {
        if (data == null) {
            out.append(EMPTY_OBJECT);
        } else if (data instanceof String str) {
            JsJson.writeString(str, out);
        } else if (data instanceof RawJson raw) {
            out.append(raw.utf8());
        } else if (data instanceof Boolean bool) {
            out.append(bool ? TRUE : FALSE);
        } else if (data instanceof Integer || data instanceof Long || data instanceof Short || data instanceof Byte
                || data instanceof BigInteger) {
            appendAscii(data.toString(), out);
        } else if (data instanceof Double d) {
            appendAscii(JsJson.numberText(d), out);
        } else if (data instanceof Float f) {
            appendAscii(JsJson.numberText(f), out);
        } else {
            writeWithMapper(data, out);
        }
    }

    private void writeWithMapper(Object data, FrameBuffer out) {
        try (JsonGenerator gen = new JsCompatGenerator(JS_FACTORY.createGenerator(new FrameBufferStream(out)))) {
            writer.writeValue(gen, data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot serialise data of type " + data.getClass().getName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot serialise data of type " + data.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    private static void appendAscii(String s, FrameBuffer out) {
        int n = s.length();
        out.ensure(n);
        byte[] b = out.array();
        int p = out.length();
        for (int i = 0; i < n; i++) {
            b[p + i] = (byte) s.charAt(i);
        }
        out.setLength(p + n);
    }

    /** Per-thread scratch buffer for {@link #encode}. */
    private static final class Scratch {
        FrameBuffer buffer = new FrameBuffer();
        boolean inUse;
    }

    /** OutputStream view appending to a FrameBuffer; close does nothing. */
    private static final class FrameBufferStream extends OutputStream {
        private final FrameBuffer out;

        FrameBufferStream(FrameBuffer out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            out.appendByte(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.append(b, off, len);
        }
    }
}
