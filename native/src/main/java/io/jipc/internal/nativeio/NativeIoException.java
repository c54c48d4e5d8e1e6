package io.jipc.internal.nativeio;

import io.jipc.internal.transport.OsError;
import java.io.IOException;

/**
 * A libjipc call failed: names the system call and carries its errno, with the OS's message; {@link #code()} names
 * the errno by number (the values come from libjipc's table), never by the message.
 */
public final class NativeIoException extends IOException implements OsError {
    private static final long serialVersionUID = 1L;

    /** The failed call: a system call's name, e.g. {@code "bind"}, or the poller's, e.g. {@code "poll wait"}. */
    private final String syscall;
    /** The platform's errno value. */
    private final int errno;

    /**
     * @param syscall the failed system call
     * @param errno the platform's errno value
     * @param message the full message (operation, detail, the OS's text)
     */
    NativeIoException(String syscall, int errno, String message) {
        super(message);
        this.syscall = syscall;
        this.errno = errno;
    }

    /** @return the failed call: a system call's name, or the poller's ({@code "poll register"}, ...) */
    public String syscall() {
        return syscall;
    }

    /** @return the platform's errno value */
    @Override
    public int errno() {
        return errno;
    }

    /** @return the errno's IpcException code, or null when it has none of its own */
    @Override
    public String code() {
        return NativeIo.codeOf(errno);
    }
}
