/**
 * The jipc protobuf codec: its {@link io.jipc.internal.codec.WireCodec}, the stream and datagram decoders, and the
 * envelope encoding.
 */
package io.jipc.internal.codec.proto;
