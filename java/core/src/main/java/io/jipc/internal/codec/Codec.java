package io.jipc.internal.codec;

/** The codec a connection (or a UDP datagram) speaks, once known. */
public enum Codec {
    /** node-ipc JSON frames. */
    JSON,
    /** Length-delimited {@code jipc.v1.Envelope}s (after the client's preamble). */
    PROTO
}
