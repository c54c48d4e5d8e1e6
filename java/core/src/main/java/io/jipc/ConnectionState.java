package io.jipc;

/** Where an {@link IpcClient} is in node-ipc's connect / retry / destroy cycle. */
public enum ConnectionState {
    /** A connection attempt is in progress; emits are buffered and go out once connected. */
    CONNECTING,
    /** Connected; the {@code connect} event has fired. */
    CONNECTED,
    /** The connection closed and a retry is scheduled after {@code retry}; emits fail with {@code ENOTCONNECTED}. */
    DISCONNECTED,
    /** The client gave up or was disconnected; the {@code destroy} event has fired. Final. */
    DESTROYED
}
