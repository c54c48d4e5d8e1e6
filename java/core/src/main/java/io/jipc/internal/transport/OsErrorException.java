package io.jipc.internal.transport;

import java.io.IOException;

/**
 * An I/O failure whose OS error a transport recovered without the errno (the JDK gives only the OS's localized
 * text): wraps the JDK's exception, keeping its message, and names the code.
 */
public final class OsErrorException extends IOException implements OsError {
    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param code the recovered {@link io.jipc.IpcException} code
     * @param cause the JDK's exception
     */
    public OsErrorException(String code, IOException cause) {
        super(cause.getMessage(), cause);
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public int errno() {
        return 0;
    }
}
