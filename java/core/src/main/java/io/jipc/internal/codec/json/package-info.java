/**
 * The node-ipc JSON codec: its {@link io.jipc.internal.codec.WireCodec}, the decoder (framer, scanner, Jackson
 * fallback, type cache) and the byte-exact, {@code JSON.stringify}-compatible frame encoder.
 */
package io.jipc.internal.codec.json;
