package io.jipc.internal.codec.json;

import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;

/**
 * Generator wrapper that makes Jackson's output match {@code JSON.stringify}: doubles and floats (also inside
 * {@code double[]}) in JavaScript notation (NaN and infinities as {@code null}), and pre-quoted names and strings re-escaped by the underlying
 * generator (whose lowercase-hex and surrogate settings then apply to them too). Names and strings holding a lone
 * surrogate are refused, as {@link JsJson#writeString} refuses them.
 */
final class JsCompatGenerator extends JsonGeneratorDelegate {

    /**
     * Wraps a generator.
     *
     * @param delegate the UTF-8 generator that does the writing
     */
    JsCompatGenerator(JsonGenerator delegate) {
        super(delegate, false);
    }

    @Override
    public void writeNumber(double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            delegate.writeNull();
        } else {
            delegate.writeNumber(JsJson.numberText(v));
        }
    }

    @Override
    public void writeNumber(float v) throws IOException {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            delegate.writeNull();
        } else {
            delegate.writeNumber(JsJson.numberText(v));
        }
    }

    @Override
    public void writeArray(double[] array, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, array.length);
        writeStartArray(array, length);
        for (int i = offset, end = offset + length; i < end; i++) {
            writeNumber(array[i]);
        }
        writeEndArray();
    }

    @Override
    public void writeString(SerializableString text) throws IOException {
        writeString(text.getValue());
    }

    @Override
    public void writeFieldName(SerializableString name) throws IOException {
        writeFieldName(name.getValue());
    }

    @Override
    public void writeString(String text) throws IOException {
        if (text != null) {
            requireText(text);
        }
        delegate.writeString(text);
    }

    @Override
    public void writeString(char[] text, int offset, int len) throws IOException {
        requireText(java.nio.CharBuffer.wrap(text, offset, len));
        delegate.writeString(text, offset, len);
    }

    @Override
    public void writeFieldName(String name) throws IOException {
        requireText(name);
        delegate.writeFieldName(name);
    }

    /** Lone surrogates are refused in names and strings, as by {@link JsJson#writeString}. */
    private void requireText(CharSequence s) throws IOException {
        int i = JsJson.loneSurrogateIndex(s);
        if (i >= 0) {
            throw new JsonGenerationException(JsJson.loneSurrogate(s.charAt(i)).getMessage(), this);
        }
    }
}
