package io.jipc;

/**
 * Every failure jipc reports: unchecked, with a short {@link #code()} to branch on and a message that names the
 * operation, the peer and the way out (e.g. {@code connect /tmp/app.world: no such socket (is the server started?)}).
 *
 * <p>Every code jipc reports is one of the constants below, each documented; {@link #code()} returns the
 * constant's value, so {@code IpcException.ENOENT.equals(e.code())} branches on it. OS errors are named after the
 * OS's errno ({@code ENOENT}, {@code ECONNREFUSED}, ...) and are found from the errno (native transport) or from the
 * exception's type and the file system (NIO), never from the OS's message text, which follows the locale: the code
 * is the same under every locale (the message may carry the OS's text in the user's language). A peer's code in a
 * failed reply ({@link #EREMOTE}) may be any string the peer chose.
 */
public class IpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A connect found the socket but nobody accepts on it (no server listening; for Unix sockets, a stale socket file).
     */
    public static final String ECONNREFUSED = "ECONNREFUSED";

    /**
     * A Unix socket path, or the directory it should be made in, does not exist (for connect: is the server started?).
     */
    public static final String ENOENT = "ENOENT";

    /** listen: the address is taken (a TCP port in use, or a live server on the Unix socket path). */
    public static final String EADDRINUSE = "EADDRINUSE";

    /** bind: the host is not an address of this machine. */
    public static final String EADDRNOTAVAIL = "EADDRNOTAVAIL";

    /** The OS denied access (the socket file or its directory lacks write/search permission; a privileged port). */
    public static final String EACCES = "EACCES";

    /** The OS refused the operation regardless of permission bits (e.g. an immutable socket directory). */
    public static final String EPERM = "EPERM";

    /** The socket file would be made or removed on a read-only file system. */
    public static final String EROFS = "EROFS";

    /** Unix-socket connect: the server's listen backlog is full (the client retries). */
    public static final String EAGAIN = "EAGAIN";

    /** The process's file-descriptor limit (ulimit -n) is reached. */
    public static final String EMFILE = "EMFILE";

    /** A write found the connection already closed by the peer. */
    public static final String EPIPE = "EPIPE";

    /** The peer reset the connection. */
    public static final String ECONNRESET = "ECONNRESET";

    /** The network of the peer is unreachable. */
    public static final String ENETUNREACH = "ENETUNREACH";

    /** There is no route to the peer's host. */
    public static final String EHOSTUNREACH = "EHOSTUNREACH";

    /** The peer's host name does not resolve. */
    public static final String ENOTFOUND = "ENOTFOUND";

    /** A UDP datagram is larger than the OS can send. */
    public static final String EMSGSIZE = "EMSGSIZE";

    /** listen: the Unix socket path exists and is not a socket, or was replaced while the stale one was removed. */
    public static final String EEXIST = "EEXIST";

    /** An invalid setting (e.g. the jipc.transport system property). */
    public static final String EINVAL = "EINVAL";

    /** Any other OS-level failure; the message carries the OS's own text. */
    public static final String EIO = "EIO";

    /** A frame that is not valid JSON or protobuf, or not a {@code {type,data}} envelope. */
    public static final String EMALFORMED = "EMALFORMED";

    /** A frame over {@link IpcConfig#maxFrameBytes}. */
    public static final String EFRAMETOOLARGE = "EFRAMETOOLARGE";

    /** A peer sent a built-in event name (see {@link IpcConfig#allowReservedEvents}). */
    public static final String ERESERVED = "ERESERVED";

    /** emit on a client that has no connection. */
    public static final String ENOTCONNECTED = "ENOTCONNECTED";

    /** The connection closed before the bytes reached the kernel; also fails a request whose connection closed. */
    public static final String ECLOSED = "ECLOSED";

    /**
     * The connection's outbound queue is at {@link IpcConfig#highWaterMarkBytes}, or the frame was dropped by {@link
     * Backpressure#DROP_OLDEST}.
     */
    public static final String EBACKPRESSURE = "EBACKPRESSURE";

    /**
     * Something did not happen in time: a request got no reply, a peer held an incomplete frame past {@link
     * IpcConfig#partialFrameTimeout}, a TLS handshake did not finish within {@link IpcConfig#handshakeTimeout}, a
     * connection received nothing for {@link IpcConfig#idleTimeout}, or the OS timed the connection out.
     */
    public static final String ETIMEDOUT = "ETIMEDOUT";

    /** A connection closed with part of a frame received. */
    public static final String ETRUNCATED = "ETRUNCATED";

    /** A client's {@link IpcConfig#offlineQueue} is full. */
    public static final String EOVERFLOW = "EOVERFLOW";

    /** Data that cannot be bound or serialised. */
    public static final String EDATA = "EDATA";

    /** An operation not allowed in the current state. */
    public static final String ESTATE = "ESTATE";

    /** A protobuf client's preamble names a protocol version this side does not speak. */
    public static final String EVERSION = "EVERSION";

    /** A peer speaks jipc's protobuf mode, as its preamble shows, to an endpoint that speaks JSON only. */
    public static final String EWIRE = "EWIRE";

    /** A request the peer answered with an error; the message names the peer's code (e.g. ENOHANDLER or EHANDLER). */
    public static final String EREMOTE = "EREMOTE";

    /** Sent in a failed reply: the answering side has no handler for the request's type. */
    public static final String ENOHANDLER = "ENOHANDLER";

    /** The handler threw (sent in a failed reply to a request; also the code of the local error event). */
    public static final String EHANDLER = "EHANDLER";

    /**
     * A request on a socket that cannot carry one (e.g. UDP), or an unsupported address (e.g. an abstract Unix socket
     * on NIO).
     */
    public static final String ENOTSUP = "ENOTSUP";

    /** The TLS handshake or session failed (the message names the TLS alert or cause). */
    public static final String ETLS = "ETLS";

    /** The TLS settings (keys, certificates) cannot be used. */
    public static final String ETLSCONFIG = "ETLSCONFIG";

    /** The server requires a client certificate and none was presented. */
    public static final String ECERTREQUIRED = "ECERTREQUIRED";

    /** The peer rejected this side's certificate. */
    public static final String ECERTREJECTED = "ECERTREJECTED";

    /** The peer's certificate is not trusted (not signed by a trusted CA, see trustedConnections). */
    public static final String ECERTUNTRUSTED = "ECERTUNTRUSTED";

    /** The peer's certificate has expired or is not yet valid. */
    public static final String ECERTEXPIRED = "ECERTEXPIRED";

    /** The server's certificate does not name the host connected to. */
    public static final String ECERTHOST = "ECERTHOST";

    private final String code;

    /**
     * @param code short error code, one of this class's constants, e.g. {@link #EMALFORMED}
     * @param message what failed and why
     */
    public IpcException(String code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * @param code short error code, one of this class's constants, e.g. {@link #ECONNREFUSED}
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
