package io.jipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.internal.ReceivedMessage;
import io.jipc.internal.codec.CodecContext;
import io.jipc.internal.codec.FrameDecoder;
import io.jipc.internal.codec.FrameEncoder;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.PayloadFormat;
import io.jipc.internal.codec.WireCodec;
import io.jipc.internal.codec.json.JsonPayload;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A codec that exists only in the tests, to show that a codec is added from outside jipc's production code: frames of
 * raw bytes behind a length, known by their first byte {@link #MAGIC}. A frame is {@code A5}, a 4-byte big-endian
 * payload length, then the payload: a 1-byte type length, the UTF-8 type, the request id and the id replied to (8
 * bytes each), a 4-byte error length and the error's JSON text, and the data for the rest (none: no data). The
 * data is not JSON: a string is {@code 'S'} and its UTF-8 bytes, anything else {@code 'J'} and its JSON text; it
 * reaches handlers and other codecs through this codec's own {@link PayloadFormat}. A client announces itself with an empty frame ({@link #clientHello}) as soon as it connects, as a protobuf
 * client does with its preamble, so that an AUTO server knows it before {@code wireDetectTimeout}.
 */
final class LengthPrefixedCodec implements WireCodec {
    /** First byte of every frame: neither JSON's (a delimiter or text) nor the protobuf preamble's 0x8F. */
    static final byte MAGIC = (byte) 0xA5;
    private static final int HEAD = 5;

    @Override
    public String name() {
        return "length-prefixed";
    }

    @Override
    public FrameDecoder newDecoder(CodecContext ctx, boolean accepting) {
        return new Decoder(ctx.config().maxFrameBytes());
    }

    @Override
    public FrameEncoder newEncoder(CodecContext ctx) {
        return new Encoder(ctx.mapper());
    }

    @Override
    public boolean detect(ByteBuffer first) {
        return first.get(first.position()) == MAGIC;
    }

    @Override
    public byte[] clientHello() {
        return new byte[] {MAGIC, 0, 0, 0, 0};
    }

    @Override
    public String toString() {
        return "LENGTH_PREFIXED";
    }

    /** @return a frame's bytes (the test writes some by hand) */
    static byte[] frame(String type, long id, long re, byte[] error, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.UTF_8);
        byte[] e = error == null ? new byte[0] : error;
        ByteBuffer b = ByteBuffer.allocate(HEAD + 1 + t.length + 16 + 4 + e.length + (data == null ? 0 : data.length));
        b.put(MAGIC).putInt(b.capacity() - HEAD).put((byte) t.length).put(t).putLong(id).putLong(re)
                .putInt(e.length).put(e);
        if (data != null) {
            b.put(data);
        }
        return b.array();
    }

    /** @return a string's data bytes */
    static byte[] text(String s) {
        return tagged('S', s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] tagged(char tag, byte[] body) {
        byte[] b = new byte[body.length + 1];
        b[0] = (byte) tag;
        System.arraycopy(body, 0, b, 1, body.length);
        return b;
    }

    /** This codec's data: 'S' and a string's UTF-8 bytes, or 'J' and JSON text. */
    static final class Payload implements PayloadFormat {
        static final Payload INSTANCE = new Payload();

        @Override
        public byte[] toJson(byte[] payload, String type, ObjectMapper mapper) {
            if (payload[0] == 'J') {
                return Arrays.copyOfRange(payload, 1, payload.length);
            }
            try {
                return mapper.writeValueAsBytes(text(payload));
            } catch (JsonProcessingException e) {
                throw new IpcException(IpcException.EDATA, "event '" + type + "': " + e.getOriginalMessage(), e);
            }
        }

        @Override
        public String text(byte[] payload) {
            return payload[0] == 'S' ? new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8) : null;
        }

        /** The 'J' form is JSON text: read as the JSON codec reads its own. */
        @Override
        public String peerId(byte[] payload, ObjectMapper mapper) {
            return payload[0] == 'J' ? JsonPayload.TEXT.peerId(toJson(payload, "", mapper), mapper) : null;
        }

        /** The error is the JSON codec's {"code":...,"message":...} text. */
        @Override
        public RemoteError remoteError(byte[] error, ObjectMapper mapper) {
            return JsonPayload.TEXT.remoteError(error, mapper);
        }
    }

    private static final class Encoder implements FrameEncoder {
        private final ObjectMapper mapper;

        Encoder(ObjectMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        public ByteBuffer encode(boolean datagram, String type, Object data, long id, long re, String errCode,
                String errMessage) {
            try {
                byte[] error = null;
                byte[] json = null;
                if (errCode != null) {
                    Map<String, String> err = new LinkedHashMap<>();
                    err.put("code", errCode);
                    err.put("message", errMessage);
                    error = mapper.writeValueAsBytes(err);
                } else if (data instanceof ReceivedMessage && ((ReceivedMessage) data).format() == Payload.INSTANCE) {
                    json = ((ReceivedMessage) data).payload(); // relaying this codec's data: as it came
                } else if (data instanceof Message) {
                    Message m = (Message) data; // another codec's: by what it is
                    json = !m.hasData() ? null : m.json().isTextual() ? text(m.asText()) : tagged('J',
                            mapper.writeValueAsBytes(m.json()));
                } else if (data instanceof String) {
                    json = text((String) data);
                } else if (data != null) {
                    json = tagged('J', mapper.writeValueAsBytes(data));
                }
                return ByteBuffer.wrap(frame(type, id, re, error, json));
            } catch (JsonProcessingException e) {
                throw new IpcException(IpcException.EDATA, "emit '" + type + "': " + e.getOriginalMessage(), e);
            }
        }
    }

    private static final class Decoder implements FrameDecoder {
        private final int maxFrameBytes;
        private byte[] buf = new byte[256];
        private int len;
        private boolean finished;

        Decoder(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
        }

        @Override
        public void decode(ByteBuffer src, FrameSink sink) {
            if (finished) {
                src.position(src.limit());
                return;
            }
            int n = src.remaining();
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
            src.get(buf, len, n);
            len += n;
            int at = 0;
            while (!finished && len - at >= HEAD) {
                if (buf[at] != MAGIC) {
                    stop(sink, IpcException.EMALFORMED, String.format("frame starts with 0x%02x, not 0xa5",
                            buf[at] & 0xff));
                    break;
                }
                int size = ByteBuffer.wrap(buf, at + 1, 4).getInt();
                if (size < 0 || size > maxFrameBytes) {
                    stop(sink, IpcException.EFRAMETOOLARGE, "frame of " + size + " bytes exceeds maxFrameBytes ("
                            + maxFrameBytes + " bytes)");
                    break;
                }
                if (len - at - HEAD < size) {
                    break;
                }
                ByteBuffer p = ByteBuffer.wrap(buf, at + HEAD, size);
                at += HEAD + size;
                if (size == 0) {
                    continue; // a client's hello
                }
                byte[] type = new byte[p.get() & 0xff];
                p.get(type);
                long id = p.getLong();
                long re = p.getLong();
                byte[] error = new byte[p.getInt()];
                p.get(error);
                byte[] data = p.hasRemaining() ? new byte[p.remaining()] : null;
                if (data != null) {
                    p.get(data);
                }
                sink.onFrame(new String(type, StandardCharsets.UTF_8), data, Payload.INSTANCE, id, re,
                        error.length == 0 ? null : error);
            }
            if (finished) {
                src.position(src.limit());
                return;
            }
            System.arraycopy(buf, at, buf, 0, len - at);
            len -= at;
        }

        private void stop(FrameSink sink, String code, String reason) {
            sink.onMalformed(code, reason);
            finished = true;
            len = 0;
        }

        @Override
        public int pendingBytes() {
            return len;
        }

        @Override
        public boolean isFinished() {
            return finished;
        }
    }
}
