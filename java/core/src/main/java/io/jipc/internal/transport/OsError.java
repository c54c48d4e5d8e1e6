package io.jipc.internal.transport;

/**
 * An I/O failure that knows which OS error it was by number, not by the OS's message text (which follows the
 * locale). A transport's exceptions implement it where the errno is known (the native transport always); core maps
 * {@link #code()} to the {@link io.jipc.IpcException} code without knowing the transport.
 */
public interface OsError {
    /**
     * @return the errno's symbolic name when it is one of {@link io.jipc.IpcException}'s OS codes (e.g.
     *     {@link io.jipc.IpcException#ENOENT}), else null (reported as {@link io.jipc.IpcException#EIO} with the
     *     OS's text)
     */
    String code();

    /** @return the platform's errno value, or 0 when the transport recovered the code without one */
    int errno();
}
