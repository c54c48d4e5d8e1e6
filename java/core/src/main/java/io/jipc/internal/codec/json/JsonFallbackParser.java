package io.jipc.internal.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON decoder's slow path: Jackson validates a frame the scanner did not accept (anything unusual, or invalid)
 * and gives the verdict and, for an invalid frame, the reason. Its results are left in fields, read by the decoder
 * right after {@link #parse} (one instance per decoder, reused: no allocation per frame). Not thread-safe.
 */
final class JsonFallbackParser {
    private final JsonFactory factory;
    private final JsonTypeCache types;

    /** Where a parse writes what it found. */
    private final JsonFrameFields out;

    /**
     * @param factory makes the parsers (its StreamReadConstraints are the limits)
     * @param types the decoder's type cache
     * @param out where {@link #parse} writes what it found
     */
    JsonFallbackParser(JsonFactory factory, JsonTypeCache types, JsonFrameFields out) {
        this.factory = factory;
        this.types = types;
        this.out = out;
    }

    /**
     * Validates one frame and extracts its type and the ranges of its keys (relative to {@code off}) into this
     * object's fields.
     *
     * <p>Jackson reports byte offsets of a parser created over {@code (array, off, len)} relative to {@code off}
     * (the bootstrapper counts the skipped prefix as negative input). A token's location is its first byte (the
     * opening quote of a string); the current location after a value is the byte just past it.
     *
     * @return null if the frame is a valid envelope, else the reason
     */
    String parse(byte[] a, int off, int flen) {
        out.clearKeys();
        // Jackson auto-detects UTF-16/32 (zero bytes) and skips a UTF-8 BOM; node-ipc's JSON.parse accepts neither
        for (int i = 0, n = Math.min(flen, 4); i < n; i++) {
            if (a[off + i] == 0) {
                return "malformed JSON frame: NUL byte at byte " + i;
            }
        }
        if (flen >= 3 && a[off] == (byte) 0xEF && a[off + 1] == (byte) 0xBB && a[off + 2] == (byte) 0xBF) {
            return "malformed JSON frame: byte order mark at byte 0";
        }
        String type = null;
        int typeState = 0; // 0 absent, 1 string, 2 not a string (last "type" key wins, like JSON.parse)
        int from = -1;
        int to = -1;
        boolean isObject;
        try (JsonParser p = factory.createParser(a, off, flen)) {
            if (!(p instanceof UTF8StreamJsonParser)) {
                return "malformed JSON frame: not UTF-8 JSON text";
            }
            JsonToken t = p.nextToken();
            if (t == null) {
                return "malformed JSON frame: no JSON value";
            }
            isObject = t == JsonToken.START_OBJECT;
            if (!isObject) {
                p.skipChildren(); // validate the rest anyway: invalid JSON takes precedence
            } else {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("type".equals(name)) {
                        if (v == JsonToken.VALUE_STRING) {
                            type = readType(p, a, off, flen);
                            typeState = 1;
                        } else {
                            type = null;
                            typeState = 2;
                            p.skipChildren();
                        }
                    } else if ("data".equals(name)) {
                        from = offset(p.currentTokenLocation());
                        to = valueEnd(p, v, a, off, flen, from);
                    } else if ("id".equals(name)) {
                        out.idFrom = offset(p.currentTokenLocation());
                        out.idTo = valueEnd(p, v, a, off, flen, out.idFrom);
                    } else if ("re".equals(name)) {
                        out.reFrom = offset(p.currentTokenLocation());
                        out.reTo = valueEnd(p, v, a, off, flen, out.reFrom);
                    } else if ("error".equals(name)) {
                        out.errFrom = offset(p.currentTokenLocation());
                        out.errTo = valueEnd(p, v, a, off, flen, out.errFrom);
                    } else {
                        p.skipChildren(); // unknown keys are ignored; strings are skipped (validated) lazily
                    }
                }
            }
            JsonToken extra = p.nextToken();
            if (extra != null) {
                return "malformed JSON frame: unexpected data after the JSON value at byte "
                        + offset(p.currentTokenLocation());
            }
        } catch (StreamConstraintsException e) {
            return e.getMessage() != null && e.getMessage().contains("nesting depth") ? tooDeep(e) : describe(e);
        } catch (JsonProcessingException e) {
            return describe(e);
        } catch (IOException e) {
            return "malformed JSON frame: " + e.getMessage();
        }
        if (!isObject) {
            return "frame is not a {type,data} object";
        }
        if (typeState == 0) {
            return "frame has no type";
        }
        if (typeState == 2) {
            return "frame type is not a string";
        }
        if (type.isEmpty()) {
            return JsonFrameDecoder.EMPTY_TYPE;
        }
        int lone = JsonScanner.loneSurrogate(a, off, flen);
        if (lone >= 0) {
            return "malformed JSON frame: lone surrogate " + new String(a, off + lone, 6, StandardCharsets.US_ASCII)
                    + " at byte " + lone + " (not Unicode text; a protobuf peer could not receive it)";
        }
        if (from >= 0 && (from >= to || to > flen)) {
            return "malformed JSON frame: cannot locate the data value"; // not expected to happen
        }
        out.frameType = type;
        out.dataFrom = from;
        out.dataTo = to;
        return null;
    }

    /** End (exclusive, relative) of the value whose first token is {@code v}, starting at {@code from}. */
    private static int valueEnd(JsonParser p, JsonToken v, byte[] a, int off, int flen, int from) throws IOException {
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
            p.skipChildren();
            return offset(p.currentLocation());
        }
        if (v == JsonToken.VALUE_STRING) {
            // find the closing quote ourselves; Jackson validates the string (UTF-8, escapes, control chars)
            // when it skips it on the next nextToken(), without materialising a possibly huge String
            int close = closingQuote(a, off + from + 1, off + flen);
            if (a[off + from] == '"' && close >= 0) {
                return close - off + 1;
            }
            p.finishToken();
        }
        return offset(p.currentLocation());
    }

    /** Index of the closing quote of a string whose content starts at {@code i}, or -1. */
    private static int closingQuote(byte[] a, int i, int end) {
        while (i < end) {
            byte b = a[i];
            if (b == '"') {
                return i;
            }
            i += b == '\\' ? 2 : 1;
        }
        return -1;
    }

    /** The type string, reusing the String of a recently seen type with the same raw bytes. */
    private String readType(JsonParser p, byte[] a, int off, int flen) throws IOException {
        int q = offset(p.currentTokenLocation());
        if (q < 0 || q >= flen || a[off + q] != '"') {
            return p.getText();
        }
        int rs = off + q + 1;
        int close = closingQuote(a, rs, off + flen);
        if (close < 0 || close - rs > JsonTypeCache.MAX_BYTES) {
            return p.getText();
        }
        int h = JsonTypeCache.hash(a, rs, close);
        JsonTypeCache.Entry e = types.find(h, a, rs, close);
        if (e != null) {
            // same bytes as an already decoded (so valid) string: leave the token to be skipped by Jackson
            return e.value;
        }
        String s = p.getText(); // decodes escapes and validates
        types.put(h, a, rs, close, s);
        return s;
    }

    private static int offset(JsonLocation loc) {
        return loc == null ? -1 : (int) loc.getByteOffset();
    }

    /** The reason for a frame nested deeper than the factory allows, in terms of its data (the envelope is 1). */
    private String tooDeep(StreamConstraintsException e) {
        JsonLocation loc = e.getLocation();
        return "malformed JSON frame: data nested deeper than " + (factory.streamReadConstraints().getMaxNestingDepth()
                - 1) + " levels (nesting depth limit of both codecs: proto/README.md, section 7)"
                + (loc != null && loc.getByteOffset() >= 0 ? " at byte " + loc.getByteOffset() : "");
    }

    private static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg == null) {
            msg = e.getClass().getSimpleName();
        }
        int cut = msg.indexOf(" (start marker at ");
        if (cut >= 0) {
            msg = msg.substring(0, cut);
        }
        int nl = msg.indexOf('\n');
        if (nl >= 0) {
            msg = msg.substring(0, nl);
        }
        if (msg.length() > 300) {
            msg = msg.substring(0, 300) + "...";
        }
        StringBuilder sb = new StringBuilder("malformed JSON frame: ").append(msg);
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getByteOffset() >= 0) {
            sb.append(" at byte ").append(loc.getByteOffset());
        }
        return sb.toString();
    }
}
