package io.jipc;

/**
 * The wire codec of a connection ({@link IpcConfig#wire(Wire)}). The protocol is specified in {@code proto/README.md}.
 */
public enum Wire {
    /** node-ipc's JSON frames ({@code {"type":...,"data":...}} + delimiter): what every node-ipc peer speaks. */
    JSON,
    /**
     * Length-delimited protobuf {@code jipc.v1.Envelope}s after a 6-byte preamble sent by the client; a server in
     * this mode refuses connections that do not start with the preamble.
     */
    PROTO,
    /**
     * Servers: pick JSON or PROTO per connection from the first bytes the client sends (the preamble means PROTO,
     * anything else JSON); UDP: per datagram. Clients: same as {@link #JSON}. The default.
     */
    AUTO
}
