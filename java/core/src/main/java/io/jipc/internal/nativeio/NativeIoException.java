package io.jipc.internal.nativeio;

import java.io.IOException;

/** A libjipc call failed: names the system call and carries its errno, with the OS's message. */
public final class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The failed system call, e.g. {@code "epoll_ctl"}. */
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

    /** @return the failed system call */
    public String syscall() {
        return syscall;
    }

    /** @return the platform's errno value */
    public int errno() {
        return errno;
    }
}
