package io.jipc.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;

/**
 * Generator wrapper that makes Jackson's output match {@code JSON.stringify}: doubles and floats (also inside
 * {@code double[]}) in JavaScript notation (NaN and infinities as {@code null}), and pre-quoted names and strings re-escaped by the underlying
 * generator (whose lowercase-hex and surrogate settings then apply to them too).
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
        delegate.writeString(text.getValue());
    }

    @Override
    public void writeFieldName(SerializableString name) throws IOException {
        delegate.writeFieldName(name.getValue());
    }
}
