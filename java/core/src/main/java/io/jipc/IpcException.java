package io.jipc;

/**
 * Every failure jipc reports: unchecked, with a short {@link #code()} to branch on and a message that names the
 * operation, the peer and the way out (e.g. {@code connect /tmp/app.world: no such socket (is the server started?)}).
 *
 * <p>Codes used: {@code ECONNREFUSED}, {@code ENOENT}, {@code EADDRINUSE}, {@code EACCES}, {@code EIO} (OS errors
 * as named by the OS), {@code EMALFORMED} (a frame that is not valid JSON or not a {@code {type,data}} object),
 * {@code EFRAMETOOLARGE} (a frame over maxFrameBytes), {@code ERESERVED} (a peer sent a built-in event name),
 * {@code ENOTCONNECTED} (emit on a client that has no connection), {@code ECLOSED} (the connection closed before the
 * bytes reached the kernel), {@code EBACKPRESSURE} (the connection's outbound queue is at
 * {@link IpcConfig#highWaterMarkBytes}, or the frame was dropped by {@link Backpressure#DROP_OLDEST}),
 * {@code ETIMEDOUT} (also: a peer held an incomplete frame past {@link IpcConfig#partialFrameTimeout}, a TLS
 * handshake did not finish within {@link IpcConfig#handshakeTimeout}, a connection received nothing for
 * {@link IpcConfig#idleTimeout}),
 * {@code ETRUNCATED} (a connection closed with part of a frame received),
 * {@code EOVERFLOW} (a client's {@link IpcConfig#offlineQueue} is full),
 * {@code EDATA} (data that cannot be bound or serialised),
 * {@code ESTATE} (an operation not allowed in the current state),
 * {@code EVERSION} (a protobuf client's preamble names a protocol version this side does not speak),
 * {@code EWIRE} (a peer speaks jipc's protobuf mode, as its preamble shows, to an endpoint that speaks JSON only),
 * {@code EREMOTE} (a request the peer answered with an error; the message names the peer's code, e.g.
 * {@code ENOHANDLER} or {@code EHANDLER}), {@code ENOTSUP} (request on a socket that cannot carry one, e.g. UDP).
 * {@code ETIMEDOUT} and {@code ECLOSED} also fail a request that got no reply in time or whose connection closed.
 */
public class IpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param code short error code, e.g. {@code EMALFORMED}
     * @param message what failed and why
     */
    public IpcException(String code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * @param code short error code, e.g. {@code ECONNREFUSED}
     * @param message what failed and why
     * @param cause the underlying failure
     */
    public IpcException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** @return the short error code */
    public String code() {
        return code;
    }
}
