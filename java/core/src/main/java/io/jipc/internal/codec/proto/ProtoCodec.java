package io.jipc.internal.codec.proto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.json.JsJson;
import io.jipc.internal.codec.json.JsonFrameEncoder;
import io.jipc.proto.v1.Envelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Protobuf frames and the JSON ↔ {@code google.protobuf.Value} mapping of {@code proto/README.md}: numbers are
 * doubles (as in JavaScript; NaN and infinities become null), object keys keep their order. Thread-safe.
 */
public final class ProtoCodec {
    /**
     * Deepest nesting of JSON arrays and objects inside a message's data, in both codecs (a scalar is 0, {@code []}
     * is 1). Each level costs at most three protobuf message levels ({@code Value}, {@code Struct}, map entry), and
     * the innermost value one more: 3 × 33 + 1 = 100, protobuf's default recursion limit (Java, C++, Python), so
     * every envelope jipc sends or accepts parses with any protobuf library's defaults ({@code proto/README.md},
     * section 7).
     */
    public static final int MAX_DATA_DEPTH = 33;
    /** Protobuf message nesting accepted when parsing an Envelope: protobuf's default. */
    static final int RECURSION_LIMIT = 100;

    private static final Value NULL = Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    private static final byte[] PREAMBLE = ProtoFrameDecoder.preamble();

    private ProtoCodec() {
    }

    /**
     * @param env the envelope
     * @param withPreamble true for a UDP datagram (preamble + one delimited envelope)
     * @return the delimited frame: varint length, then the envelope
     */
    public static byte[] frame(Envelope env, boolean withPreamble) {
        int size = env.getSerializedSize();
        int pre = withPreamble ? PREAMBLE.length : 0;
        int header = CodedOutputStream.computeUInt32SizeNoTag(size);
        byte[] out = new byte[pre + header + size];
        if (withPreamble) {
            System.arraycopy(PREAMBLE, 0, out, 0, pre);
        }
        CodedOutputStream cos = CodedOutputStream.newInstance(out, pre, header + size);
        try {
            cos.writeUInt32NoTag(size);
            env.writeTo(cos);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // never: the array has exactly the room needed
        }
        return out;
    }

    /**
     * The common frames written directly, byte-identical to protobuf-java's output for the same Envelope: a type,
     * data that is a String, Boolean, Java number (not BigDecimal) or null (an empty object, as node-ipc sends for
     * undefined) or a byte array (the opaque payload), and the request/reply ids.
     *
     * @param type the event type
     * @param data the data
     * @param id request id or 0
     * @param re replied id or 0
     * @param withPreamble true for a UDP datagram
     * @return the frame, or null when the data is of another kind
     * @throws IllegalArgumentException when String data holds a lone surrogate (protobuf-java would write '?')
     */
    public static byte[] simpleFrame(String type, Object data, long id, long re, boolean withPreamble) {
        if (data instanceof String) {
            JsJson.requireText((String) data);
            // string_value = 3, written inside data = 2 without an intermediate Value array
            return envelope(type, 0x12, 0x1a, ((String) data).getBytes(StandardCharsets.UTF_8), id, re, withPreamble);
        }
        if (data instanceof byte[]) {
            return envelope(type, 0x22, 0, (byte[]) data, id, re, withPreamble); // opaque = 4
        }
        byte[] value; // the Value message's bytes
        if (data == null) {
            value = EMPTY_STRUCT_VALUE;
        } else if (data instanceof Boolean) {
            value = new byte[] {0x20, (byte) (((Boolean) data) ? 1 : 0)}; // bool_value = 4
        } else if (data instanceof Number && !(data instanceof java.math.BigDecimal)) {
            double d = ((Number) data).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                value = NULL_VALUE;
            } else {
                value = new byte[9];
                value[0] = 0x11; // number_value = 2
                long bits = Double.doubleToRawLongBits(d);
                for (int i = 0; i < 8; i++) {
                    value[1 + i] = (byte) (bits >>> (8 * i));
                }
            }
        } else {
            return null;
        }
        return envelope(type, 0x12, 0, value, id, re, withPreamble);
    }

    /**
     * A frame whose data is a received, validated {@code Value}'s bytes, written as they are: byte-identical to
     * protobuf-java's output for the Envelope holding that Value.
     *
     * @param type the event type
     * @param value serialized {@code google.protobuf.Value} bytes
     * @param id request id or 0
     * @param re replied id or 0
     * @param withPreamble true for a UDP datagram
     * @return the frame
     */
    public static byte[] valueFrame(String type, byte[] value, long id, long re, boolean withPreamble) {
        return envelope(type, 0x12, 0, value, id, re, withPreamble);
    }

    /**
     * Writes an Envelope into one array: type = 1, the payload field {@code payloadTag} holding {@code body} (behind
     * its own tag and length when {@code innerTag} is not 0), then id = 5 and re = 6 when set.
     */
    private static byte[] envelope(String type, int payloadTag, int innerTag, byte[] body, long id, long re,
            boolean withPreamble) {
        byte[] t = type.getBytes(StandardCharsets.UTF_8);
        int payloadLength = innerTag == 0 ? body.length : 1 + varintSize(body.length) + body.length;
        int size = (t.length == 0 ? 0 : 1 + varintSize(t.length) + t.length) + 1 + varintSize(payloadLength)
                + payloadLength + (id == 0 ? 0 : 1 + varintSize(id)) + (re == 0 ? 0 : 1 + varintSize(re));
        int pre = withPreamble ? PREAMBLE.length : 0;
        byte[] out = new byte[pre + varintSize(size) + size];
        if (withPreamble) {
            System.arraycopy(PREAMBLE, 0, out, 0, pre);
        }
        int p = putVarint(out, pre, size);
        if (t.length > 0) {
            out[p++] = 0x0a; // type = 1
            p = putVarint(out, p, t.length);
            System.arraycopy(t, 0, out, p, t.length);
            p += t.length;
        }
        out[p++] = (byte) payloadTag;
        p = putVarint(out, p, payloadLength);
        if (innerTag != 0) {
            out[p++] = (byte) innerTag;
            p = putVarint(out, p, body.length);
        }
        System.arraycopy(body, 0, out, p, body.length);
        p += body.length;
        if (id != 0) {
            out[p++] = 0x28; // id = 5
            p = putVarint(out, p, id);
        }
        if (re != 0) {
            out[p++] = 0x30; // re = 6
            putVarint(out, p, re);
        }
        return out;
    }

    private static final byte[] EMPTY_STRUCT_VALUE = {0x2a, 0x00}; // struct_value = 5, empty
    private static final byte[] NULL_VALUE = {0x08, 0x00}; // null_value = 1

    private static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int putVarint(byte[] a, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            a[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        a[p++] = (byte) v;
        return p;
    }

    /**
     * Parses the bytes of a {@code Value} the protobuf decoder already validated ({@link ProtoPayload#VALUE}).
     *
     * @param bytes a serialized {@code google.protobuf.Value} that is known to parse
     * @return the Value
     * @throws IllegalStateException if it does not parse after all (a decoder bug)
     */
    public static Value validatedValue(byte[] bytes) {
        try {
            return Value.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("a validated protobuf Value did not parse", e);
        }
    }

    /**
     * @param s a string to send
     * @throws IllegalArgumentException when it holds a lone surrogate, which protobuf-java would send as '?' (and
     *     JSON mode refuses too)
     */
    public static void requireText(String s) {
        JsJson.requireText(s);
    }

    /**
     * @param a bytes
     * @param at where a little-endian IEEE-754 double starts (8 bytes)
     * @return false for NaN and the infinities (all exponent bits set)
     */
    static boolean finite(byte[] a, int at) {
        return (a[at + 7] & 0x7f) != 0x7f || (a[at + 6] & 0xf0) != 0xf0;
    }

    /**
     * NaN and infinities are not JSON: jipc turns them into {@code null} as {@code JSON.stringify} does
     * ({@code proto/README.md}, section 2), whichever codec brought them, so a handler, an echo and a relay see the
     * same {@code null} a JSON peer would.
     *
     * @param env a received envelope
     * @return the envelope, with every non-finite {@code number_value} of its data made {@code null_value}
     */
    public static Envelope finite(Envelope env) {
        if (!env.hasData()) {
            return env;
        }
        Value d = finite(env.getData());
        return d == env.getData() ? env : env.toBuilder().setData(d).build();
    }

    /**
     * @param v data
     * @return {@code v} itself when every number in it is finite, else a copy with NaN and infinities made null
     */
    public static Value finite(Value v) {
        switch (v.getKindCase()) {
            case NUMBER_VALUE:
                return Double.isFinite(v.getNumberValue()) ? v : NULL;
            case STRUCT_VALUE: {
                Struct.Builder b = null;
                for (Map.Entry<String, Value> e : v.getStructValue().getFieldsMap().entrySet()) {
                    Value f = finite(e.getValue());
                    if (f != e.getValue()) {
                        if (b == null) {
                            b = v.getStructValue().toBuilder();
                        }
                        b.putFields(e.getKey(), f); // replaces in place: the key order stays
                    }
                }
                return b == null ? v : Value.newBuilder().setStructValue(b).build();
            }
            case LIST_VALUE: {
                ListValue.Builder b = null;
                java.util.List<Value> values = v.getListValue().getValuesList();
                for (int i = 0; i < values.size(); i++) {
                    Value f = finite(values.get(i));
                    if (f != values.get(i)) {
                        if (b == null) {
                            b = v.getListValue().toBuilder();
                        }
                        b.setValues(i, f);
                    }
                }
                return b == null ? v : Value.newBuilder().setListValue(b).build();
            }
            default:
                return v;
        }
    }

    /**
     * Checks data about to be sent is what both codecs accept ({@code proto/README.md}, sections 2 and 7): nested at
     * most {@link #MAX_DATA_DEPTH} levels, and every string and key Unicode text.
     *
     * @param v the data
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void requireCarriable(Value v) {
        if (!carriable(v, 0)) {
            throw new IllegalArgumentException("data nested deeper than " + MAX_DATA_DEPTH
                    + " levels (the limit of both codecs)");
        }
    }

    private static boolean carriable(Value v, int level) {
        switch (v.getKindCase()) {
            case STRING_VALUE:
                JsJson.requireText(v.getStringValue());
                return true;
            case STRUCT_VALUE:
                if (level >= MAX_DATA_DEPTH) {
                    return false;
                }
                for (Map.Entry<String, Value> e : v.getStructValue().getFieldsMap().entrySet()) {
                    JsJson.requireText(e.getKey());
                    if (!carriable(e.getValue(), level + 1)) {
                        return false;
                    }
                }
                return true;
            case LIST_VALUE:
                if (level >= MAX_DATA_DEPTH) {
                    return false;
                }
                for (Value e : v.getListValue().getValuesList()) {
                    if (!carriable(e, level + 1)) {
                        return false;
                    }
                }
                return true;
            default:
                return true;
        }
    }

    /**
     * @param v a Value (its nesting is bounded by the recursion limit it was parsed or built with)
     * @return how deeply JSON arrays and objects nest in it: 0 for a scalar, 1 for {@code []} or <code>{"a":1}</code>
     */
    public static int depth(Value v) {
        int d = 0;
        if (v.hasStructValue()) {
            for (Value e : v.getStructValue().getFieldsMap().values()) {
                d = Math.max(d, depth(e));
            }
            return 1 + d;
        }
        if (v.hasListValue()) {
            for (Value e : v.getListValue().getValuesList()) {
                d = Math.max(d, depth(e));
            }
            return 1 + d;
        }
        return 0;
    }

    /**
     * Validates serialized {@code Value} bytes without building the Value: for what it accepts, protobuf-java's
     * parser accepts the same bytes and builds a Value whose {@link #depth} is at most the one returned.
     * Anything it is not sure of (unknown field groups, invalid bytes, a nesting past {@link #MAX_DATA_DEPTH}) it
     * leaves to protobuf-java, which then gives its verdict and reason.
     *
     * @param a bytes
     * @param from where the Value starts
     * @param len its length
     * @return the depth, or -1 to leave the bytes to protobuf-java
     */
    static int scanValue(byte[] a, int from, int len) {
        CodedInputStream in = CodedInputStream.newInstance(a, from, len);
        try {
            return value(in, a, from, 0);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The fields of a Value inside {@code level} containers, up to the current limit; see {@link #scanValue}. */
    private static int value(CodedInputStream in, byte[] a, int base, int level) throws IOException {
        int depth = 0;
        while (true) {
            int tag = in.readTag();
            switch (tag) {
                case 0:
                    return depth;
                case 0x08: // null_value
                case 0x20: // bool_value
                    in.readRawVarint64();
                    break;
                case 0x11: // number_value: NaN and infinities are left to protobuf-java, then made null (finite)
                    if (!Double.isFinite(Double.longBitsToDouble(in.readRawLittleEndian64()))) {
                        return -1;
                    }
                    break;
                case 0x1a: // string_value
                    if (!utf8(in, a, base)) {
                        return -1;
                    }
                    break;
                case 0x2a: // struct_value
                case 0x32: { // list_value
                    int d = container(in, a, base, level, tag == 0x2a);
                    if (d < 0) {
                        return -1;
                    }
                    depth = Math.max(depth, d);
                    break;
                }
                default:
                    if (!skip(in, tag)) {
                        return -1;
                    }
            }
        }
    }

    /** A Struct or ListValue message (length first) inside {@code level} others; its depth (at least 1), or -1. */
    private static int container(CodedInputStream in, byte[] a, int base, int level, boolean struct)
            throws IOException {
        if (level >= MAX_DATA_DEPTH) {
            return -1; // deeper than the limit: protobuf-java's parse and the depth check report it
        }
        int old = in.pushLimit(in.readRawVarint32());
        int depth = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            if (tag != 0x0a) { // fields = 1 (map entries) / values = 1
                if (!skip(in, tag)) {
                    return -1;
                }
                continue;
            }
            int d = struct ? entry(in, a, base, level + 1) : nested(in, a, base, level + 1);
            if (d < 0) {
                return -1;
            }
            depth = Math.max(depth, d);
        }
        in.popLimit(old);
        return depth + 1;
    }

    /** A Value message (length first) inside a container. */
    private static int nested(CodedInputStream in, byte[] a, int base, int level) throws IOException {
        int old = in.pushLimit(in.readRawVarint32());
        int d = value(in, a, base, level);
        in.popLimit(old);
        return d;
    }

    /** A Struct map entry (length first): key = 1 (string), value = 2 (Value). */
    private static int entry(CodedInputStream in, byte[] a, int base, int level) throws IOException {
        int old = in.pushLimit(in.readRawVarint32());
        int depth = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            int d = 0;
            if (tag == 0x0a) {
                d = utf8(in, a, base) ? 0 : -1;
            } else if (tag == 0x12) {
                d = nested(in, a, base, level);
            } else if (!skip(in, tag)) {
                d = -1;
            }
            if (d < 0) {
                return -1;
            }
            depth = Math.max(depth, d);
        }
        in.popLimit(old);
        return depth;
    }

    /** Skips a length-delimited string, checking it is valid UTF-8 as proto3 requires (no String is made). */
    private static boolean utf8(CodedInputStream in, byte[] a, int base) throws IOException {
        int len = in.readRawVarint32();
        int left = in.getBytesUntilLimit();
        if (len < 0 || left >= 0 && len > left) {
            return false;
        }
        int at = base + in.getTotalBytesRead();
        if (!ProtoFrameDecoder.validUtf8(a, at, at + len)) {
            return false;
        }
        in.skipRawBytes(len);
        return true;
    }

    /** Skips an unknown field as protobuf-java does; false for groups (left to protobuf-java). */
    private static boolean skip(CodedInputStream in, int tag) throws IOException {
        int wireType = tag & 7;
        if (wireType == 3 || wireType == 4) {
            return false;
        }
        return in.skipField(tag);
    }

    /**
     * The peer id node-ipc takes from a message: the {@code "id"} key of its data at the top level, when that is a
     * non-empty string. Reads only the top level of the serialized Value, skipping nested values whole.
     *
     * @param value serialized {@code google.protobuf.Value} bytes that are known to parse
     * @return the id, or null
     */
    public static String peerId(byte[] value) {
        CodedInputStream in = CodedInputStream.newInstance(value);
        String id = null;
        try {
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag != 0x2a) {
                    if (!in.skipField(tag)) {
                        return null;
                    }
                    if (tag == 0x08 || tag == 0x11 || tag == 0x1a || tag == 0x20 || tag == 0x32) {
                        id = null; // a later kind of value replaces the struct (a oneof)
                    }
                    continue;
                }
                int old = in.pushLimit(in.readRawVarint32());
                while ((tag = in.readTag()) != 0) {
                    if (tag != 0x0a) {
                        in.skipField(tag);
                        continue;
                    }
                    int entry = in.pushLimit(in.readRawVarint32());
                    String key = "";
                    String text = null;
                    while ((tag = in.readTag()) != 0) {
                        if (tag == 0x0a) {
                            key = in.readStringRequireUtf8();
                        } else if (tag == 0x12) {
                            text = stringValue(in);
                        } else {
                            in.skipField(tag);
                        }
                    }
                    in.popLimit(entry);
                    if (key.equals("id")) {
                        id = text == null || text.isEmpty() ? null : text; // the last entry of a key wins
                    }
                }
                in.popLimit(old);
            }
        } catch (IOException e) {
            return null;
        }
        return id;
    }

    /** A nested Value message (length first): its string_value, or null when it holds another kind. */
    private static String stringValue(CodedInputStream in) throws IOException {
        int old = in.pushLimit(in.readRawVarint32());
        String text = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == 0x1a) {
                text = in.readStringRequireUtf8();
            } else {
                in.skipField(tag);
                text = null;
            }
        }
        in.popLimit(old);
        return text;
    }

    /**
     * @param v a number
     * @return its Value ({@code null_value} for NaN and infinities, as JSON.stringify)
     */
    public static Value number(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? NULL : Value.newBuilder().setNumberValue(v).build();
    }

    /**
     * @param n a Jackson tree (MissingNode: null)
     * @return the Value holding the same JSON
     */
    public static Value toValue(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return NULL;
        }
        if (n.isTextual()) {
            return Value.newBuilder().setStringValue(n.textValue()).build();
        }
        if (n.isBoolean()) {
            return Value.newBuilder().setBoolValue(n.booleanValue()).build();
        }
        if (n.isNumber()) {
            return number(n.doubleValue());
        }
        if (n.isArray()) {
            ListValue.Builder l = ListValue.newBuilder();
            for (JsonNode e : n) {
                l.addValues(toValue(e));
            }
            return Value.newBuilder().setListValue(l).build();
        }
        if (n.isObject()) {
            Struct.Builder s = Struct.newBuilder();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                s.putFields(e.getKey(), toValue(e.getValue()));
            }
            return Value.newBuilder().setStructValue(s).build();
        }
        if (n.isBinary()) {
            try {
                return Value.newBuilder().setStringValue(java.util.Base64.getEncoder().encodeToString(n.binaryValue()))
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Value.newBuilder().setStringValue(n.asText()).build(); // POJO nodes and the like: their text
    }

    /**
     * Reads validated JSON text into a Value without building a tree.
     *
     * @param json UTF-8 JSON text of one value
     * @param factory parser factory (its read constraints apply)
     * @return the Value
     * @throws IOException when the text is not JSON
     */
    public static Value jsonToValue(byte[] json, JsonFactory factory) throws IOException {
        try (JsonParser p = factory.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("no JSON value");
            }
            return read(p, t);
        }
    }

    private static Value read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return Value.newBuilder().setStringValue(p.getText()).build();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return number(p.getDoubleValue());
            case VALUE_TRUE:
                return Value.newBuilder().setBoolValue(true).build();
            case VALUE_FALSE:
                return Value.newBuilder().setBoolValue(false).build();
            case START_ARRAY: {
                ListValue.Builder l = ListValue.newBuilder();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.addValues(read(p, e));
                }
                return Value.newBuilder().setListValue(l).build();
            }
            case START_OBJECT: {
                Struct.Builder s = Struct.newBuilder();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    s.putFields(name, read(p, p.nextToken()));
                }
                return Value.newBuilder().setStructValue(s).build();
            }
            default:
                return NULL;
        }
    }

    /**
     * The JSON text of serialized {@code Value} bytes, written straight from them without building the Value: the
     * same bytes as {@link #toJson(Value)} of the parsed Value, for the encoding protobuf libraries write (each Value
     * with one kind, each map entry a key then a value, no repeated key, no unknown field).
     *
     * @param value serialized {@code google.protobuf.Value} bytes that are known to parse
     * @return the JSON text, or null for any other encoding (the caller then parses the Value)
     */
    public static byte[] toJson(byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, value.length));
        try (JsonGenerator g = JsonFrameEncoder.jsGenerator(out)) {
            if (!writeValue(g, CodedInputStream.newInstance(value))) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return out.toByteArray();
    }

    /** Writes the one field of a Value (up to the current limit); false when the encoding is not the usual one. */
    private static boolean writeValue(JsonGenerator g, CodedInputStream in) throws IOException {
        int tag = in.readTag();
        switch (tag) {
            case 0: // no kind set
            case 0x08: // null_value
                if (tag != 0) {
                    in.readRawVarint64();
                }
                g.writeNull();
                break;
            case 0x11:
                g.writeNumber(in.readDouble());
                break;
            case 0x1a:
                g.writeString(in.readStringRequireUtf8());
                break;
            case 0x20:
                g.writeBoolean(in.readBool());
                break;
            case 0x2a:
            case 0x32: {
                int old = in.pushLimit(in.readRawVarint32());
                if (!(tag == 0x2a ? writeStruct(g, in) : writeList(g, in))) {
                    return false;
                }
                in.popLimit(old);
                break;
            }
            default:
                return false;
        }
        return tag == 0 || in.readTag() == 0;
    }

    private static boolean writeStruct(JsonGenerator g, CodedInputStream in) throws IOException {
        g.writeStartObject();
        java.util.Set<String> keys = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag != 0x0a) {
                return false;
            }
            int entry = in.pushLimit(in.readRawVarint32());
            if (in.readTag() != 0x0a) {
                return false;
            }
            String key = in.readStringRequireUtf8();
            if (keys == null) {
                keys = new java.util.HashSet<>();
            }
            if (!keys.add(key) || in.readTag() != 0x12) {
                return false; // a repeated key (the map keeps the last), or no value
            }
            g.writeFieldName(key);
            int old = in.pushLimit(in.readRawVarint32());
            if (!writeValue(g, in)) {
                return false;
            }
            in.popLimit(old);
            if (in.readTag() != 0) {
                return false;
            }
            in.popLimit(entry);
        }
        g.writeEndObject();
        return true;
    }

    private static boolean writeList(JsonGenerator g, CodedInputStream in) throws IOException {
        g.writeStartArray();
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag != 0x0a) {
                return false;
            }
            int old = in.pushLimit(in.readRawVarint32());
            if (!writeValue(g, in)) {
                return false;
            }
            in.popLimit(old);
        }
        g.writeEndArray();
        return true;
    }

    /**
     * @param v a Value
     * @return its JSON text as JSON.stringify would write it (UTF-8; numbers in JavaScript notation)
     */
    public static byte[] toJson(Value v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = JsonFrameEncoder.jsGenerator(out)) {
            write(g, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Value v) throws IOException {
        switch (v.getKindCase()) {
            case NUMBER_VALUE:
                g.writeNumber(v.getNumberValue());
                break;
            case STRING_VALUE:
                g.writeString(v.getStringValue());
                break;
            case BOOL_VALUE:
                g.writeBoolean(v.getBoolValue());
                break;
            case STRUCT_VALUE:
                g.writeStartObject();
                for (Map.Entry<String, Value> e : v.getStructValue().getFieldsMap().entrySet()) {
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
                break;
            case LIST_VALUE:
                g.writeStartArray();
                for (Value e : v.getListValue().getValuesList()) {
                    write(g, e);
                }
                g.writeEndArray();
                break;
            default:
                g.writeNull();
        }
    }
}
