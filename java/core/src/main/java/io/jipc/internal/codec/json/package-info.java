/** The node-ipc JSON codec: its {@link io.jipc.internal.codec.WireCodec} and its frame encoder. */
package io.jipc.internal.codec.json;
