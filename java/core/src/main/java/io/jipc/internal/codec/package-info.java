/**
 * Wire codecs, codec-neutral: the {@link io.jipc.internal.codec.WireCodec} interface and the
 * {@link io.jipc.internal.codec.Codecs} registry (the one place codecs are registered and the public {@code Wire}
 * setting is mapped to them), the decoder and sink contracts, AUTO detection, and byte and JSON-text helpers the
 * codecs share. The codecs themselves live in {@code json} (node-ipc JSON) and {@code proto} (jipc protobuf).
 */
package io.jipc.internal.codec;
