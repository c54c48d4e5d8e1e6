package io.jipc.internal.codec.proto;

import com.fasterxml.jackson.core.JsonFactory;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.jipc.IpcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Typed payloads: the protobuf message classes this process has used (emitted, or read with {@code as(Class)}), by
 * full name, so a typed payload can be shown as JSON and relayed to JSON peers. Process-wide, thread-safe.
 */
public final class Protos {
    private static final ConcurrentHashMap<String, com.google.protobuf.Message> BY_NAME = new ConcurrentHashMap<>();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private Protos() {
    }

    /**
     * Remembers a message's class by its full name.
     *
     * @param m a message of the class
     */
    public static void register(com.google.protobuf.Message m) {
        BY_NAME.putIfAbsent(m.getDescriptorForType().getFullName(), m.getDefaultInstanceForType());
    }

    @SuppressWarnings("unchecked")
    static <T> T defaultInstance(Class<T> type) {
        com.google.protobuf.Message m = (com.google.protobuf.Message) com.google.protobuf.Internal.getDefaultInstance(
                (Class<? extends com.google.protobuf.MessageLite>) type);
        register(m);
        return (T) m;
    }

    /**
     * @param type a type data is to be bound to
     * @return true for a generated protobuf message class
     */
    public static boolean isProto(Class<?> type) {
        return com.google.protobuf.Message.class.isAssignableFrom(type);
    }

    static String typeName(Any any) {
        String url = any.getTypeUrl();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /**
     * @param m the message
     * @param factory the JSON factory
     * @return the message's proto3 JSON form as JSON.stringify would write it
     */
    public static byte[] toJson(com.google.protobuf.MessageOrBuilder m, JsonFactory factory) {
        try {
            String text = PRINTER.print(m);
            return ProtoCodec.toJson(ProtoCodec.jsonToValue(text.getBytes(StandardCharsets.UTF_8), factory));
        } catch (IOException e) {
            throw new IpcException(IpcException.EDATA,
                    "cannot write " + m.getDescriptorForType().getFullName() + " as JSON: "
                    + e.getMessage(), e);
        }
    }

    /**
     * @return the typed payload as JSON: its message's proto3 JSON form when its class is known here, else
     *     <code>{"@type":type_url,"value":base64 of Any.value}</code> ({@code proto/README.md}, section 2)
     */
    static byte[] typedToJson(Any any, String event, JsonFactory factory) {
        com.google.protobuf.Message proto = BY_NAME.get(typeName(any));
        if (proto == null) {
            try {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(
                        any.getTypeUrl().length() + any.getValue().size() * 4 / 3 + 32);
                try (com.fasterxml.jackson.core.JsonGenerator g = factory.createGenerator(out)) {
                    g.writeStartObject();
                    g.writeStringField("@type", any.getTypeUrl());
                    g.writeFieldName("value");
                    g.writeBinary(any.getValue().toByteArray()); // standard base64, padded
                    g.writeEndObject();
                }
                return out.toByteArray();
            } catch (IOException e) {
                throw new IpcException(IpcException.EDATA, "event '" + event + "': typed payload "
                        + any.getTypeUrl() + " cannot be written as JSON: " + e.getMessage(), e);
            }
        }
        try {
            return toJson(proto.getParserForType().parseFrom(any.getValue()), factory);
        } catch (InvalidProtocolBufferException e) {
            throw new IpcException(IpcException.EDATA, "event '" + event + "': typed payload " + any.getTypeUrl()
                    + " does not parse: " + e.getMessage(), e);
        }
    }

    /** Reads a typed payload as the given message class. */
    static <T> T unpack(Any any, Class<T> type, String event) {
        com.google.protobuf.Message proto = (com.google.protobuf.Message) defaultInstance(type);
        String want = proto.getDescriptorForType().getFullName();
        if (!want.equals(typeName(any))) {
            throw new IpcException(IpcException.EDATA, "event '" + event + "': typed payload is " + any.getTypeUrl()
                    + ", not " + want);
        }
        try {
            return type.cast(proto.getParserForType().parseFrom(any.getValue()));
        } catch (InvalidProtocolBufferException e) {
            throw new IpcException(IpcException.EDATA,
                    "event '" + event + "': cannot read the typed payload as " + want + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads JSON data as the given message class (its proto3 JSON form).
     *
     * @param <T> the message class
     * @param json UTF-8 JSON text
     * @param type the message class
     * @param event the event type, for the error
     * @return the message
     * @throws IpcException with code {@code EDATA} when the JSON is not that message's form
     */
    public static <T> T fromJson(byte[] json, Class<T> type, String event) {
        com.google.protobuf.Message proto = (com.google.protobuf.Message) defaultInstance(type);
        com.google.protobuf.Message.Builder b = proto.newBuilderForType();
        try {
            PARSER.merge(new String(json, StandardCharsets.UTF_8), b);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new IpcException(IpcException.EDATA, "event '" + event + "': cannot read data as "
                    + proto.getDescriptorForType().getFullName() + ": " + e.getMessage(), e);
        }
        return type.cast(b.build());
    }
}
