package io.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.Value;
import io.jipc.IpcException;
import io.jipc.Message;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.internal.codec.json.JsonPayload;
import io.jipc.internal.codec.proto.ProtoPayload;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A received message reads its data through the payload's format: each format's own forms (a protobuf string's text, a
 * typed payload's class and binary encoding, opaque bytes) and the JSON form for the rest; and a failed reply's error
 * reads the same from both codecs.
 */
class ReceivedMessageTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Message of(byte[] payload, PayloadFormat format) {
        return ReceivedMessage.of("ev", payload, format, MAPPER);
    }

    @Test
    void jsonTextIsItsOwnJsonForm() {
        Message m = of("{\"n\":1,\"s\":\"é\"}".getBytes(StandardCharsets.UTF_8), JsonPayload.TEXT);
        assertEquals(1, m.json().get("n").intValue());
        assertEquals("é", m.as(Map.class).get("s"));
        assertEquals("{\"n\":1,\"s\":\"é\"}", m.asText());
        assertEquals("ev: {\"n\":1,\"s\":\"é\"}", m.toString());
        assertEquals("x", of("\"x\"".getBytes(StandardCharsets.UTF_8), JsonPayload.TEXT).asText());
    }

    @Test
    void aProtobufValueIsShownAsTheJsonAPeerWouldSend() {
        Message s = of(Value.newBuilder().setStringValue("hi \"you\"").build().toByteArray(), ProtoPayload.VALUE);
        assertEquals("hi \"you\"", s.asText());
        assertEquals("\"hi \\\"you\\\"\"", new String(s.bytes(), StandardCharsets.UTF_8));
        Message n = of(Value.newBuilder().setNumberValue(2.5).build().toByteArray(), ProtoPayload.VALUE);
        assertEquals("2.5", n.asText());
        assertEquals(2.5, n.as(Double.class));
    }

    @Test
    void aTypedPayloadBindsToItsClassAndGivesItsBinaryEncoding() {
        io.jipc.proto.v1.Error inner = io.jipc.proto.v1.Error.newBuilder().setCode("X").setMessage("m").build();
        Message m = of(Any.pack(inner).toByteArray(), ProtoPayload.TYPED);
        assertEquals(inner, m.as(io.jipc.proto.v1.Error.class));
        assertArrayEquals(inner.toByteArray(), m.bytes());
        assertEquals("ev: typed type.googleapis.com/jipc.v1.Error", m.toString());
        assertEquals("X", m.json().get("code").textValue(), "its proto3 JSON form, its class being known here");
        IpcException wrong = assertThrows(IpcException.class, () -> m.as(io.jipc.proto.v1.Envelope.class));
        assertEquals(IpcException.EDATA, wrong.code());
    }

    @Test
    void opaqueBytesAreGivenAsACopyAndShownAsBase64() {
        byte[] raw = {1, 2, 3};
        Message m = of(raw, ProtoPayload.OPAQUE);
        byte[] got = m.bytes();
        assertArrayEquals(raw, got);
        assertNotSame(raw, got);
        assertArrayEquals(raw, m.as(byte[].class));
        assertEquals("AQID", m.asText());
        assertEquals("ev: 3 opaque bytes", m.toString());
    }

    @Test
    void noDataReadsAsAbsentInEveryFormat() {
        for (PayloadFormat f : new PayloadFormat[] {JsonPayload.TEXT, ProtoPayload.VALUE, ProtoPayload.TYPED}) {
            Message m = of(null, f);
            assertEquals("", m.asText());
            assertEquals(0, m.bytes().length);
            assertSame(null, m.as(String.class));
            assertEquals("ev: (no data)", m.toString());
        }
    }

    @Test
    void aFailedReplysErrorReadsTheSameFromBothCodecs() {
        byte[] json = "{\"code\":\"EDEMO\",\"message\":\"no\"}".getBytes(StandardCharsets.UTF_8);
        byte[] proto = io.jipc.proto.v1.Error.newBuilder().setCode("EDEMO").setMessage("no").build().toByteArray();
        assertEquals(new PayloadFormat.RemoteError("EDEMO", "no"), JsonPayload.TEXT.remoteError(json, MAPPER));
        assertEquals(new PayloadFormat.RemoteError("EDEMO", "no"), ProtoPayload.VALUE.remoteError(proto, MAPPER));
        // no code: EREMOTE in both (the protobuf one used to give an empty code)
        byte[] noCode = io.jipc.proto.v1.Error.newBuilder().setMessage("why").build().toByteArray();
        assertEquals(new PayloadFormat.RemoteError(IpcException.EREMOTE, "why"),
                ProtoPayload.OPAQUE.remoteError(noCode, MAPPER));
        assertEquals(new PayloadFormat.RemoteError(IpcException.EREMOTE, "why"),
                JsonPayload.TEXT.remoteError("{\"message\":\"why\"}".getBytes(StandardCharsets.UTF_8), MAPPER));
    }
}
