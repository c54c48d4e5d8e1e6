/** The jipc protobuf codec: its {@link io.jipc.internal.codec.WireCodec}, datagram decoder and frame encoder. */
package io.jipc.internal.codec.proto;
