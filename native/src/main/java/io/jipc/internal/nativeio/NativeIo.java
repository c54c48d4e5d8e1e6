package io.jipc.internal.nativeio;

import io.jipc.IpcException;
import io.jipc.internal.nativeio.binding.LibJipc;
import io.jipc.internal.transport.OsError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import jnr.ffi.Pointer;

/**
 * Thin wrappers over {@link LibJipc}: each returns the call's non-negative result or throws an {@link IOException}
 * naming the system call and the OS's message; every one is an {@link OsError} carrying the errno and its code
 * ({@link ConnectException} for ECONNREFUSED and {@link NoRouteToHostException} for EHOSTUNREACH/ENETUNREACH, as the
 * JDK does). No raw {@code -errno} escapes, except {@code EAGAIN}/{@code EINPROGRESS}, which the hot calls
 * report as values. Used only with the library loaded.
 */
final class NativeIo {
    /** {@code jipc_poll_ctl}'s operations. */
    static final int CTL_ADD = 0;
    static final int CTL_MOD = 1;
    static final int CTL_DEL = 2;

    /*
     * How errors name the poller's calls. The backend (epoll and an eventfd on Linux, kqueue and EVFILT_USER on
     * macOS and in the libkqueue tests) is chosen when libjipc is built and the library does not report it, so these
     * names fit both rather than naming one backend's system call.
     */
    static final String POLL_CREATE = "poll create";
    /** By {@code jipc_poll_ctl} operation. */
    private static final String[] POLL_CTL = {"poll register", "poll modify", "poll unregister"};
    static final String POLL_WAIT = "poll wait";
    static final String WAKEUP_CREATE = "wakeup create";

    /** How many entries {@code jipc_errnos} fills, in this order. */
    static final int ERRNO_COUNT = 19;

    static final LibJipc LIB;
    static final jnr.ffi.Runtime RUNTIME;
    static final int EAGAIN;
    static final int EINPROGRESS;
    static final int EINTR;
    static final int ECONNREFUSED;
    static final int ENOENT;
    static final int EHOSTUNREACH;
    static final int ENETUNREACH;
    static final int ETIMEDOUT;
    static final int EPIPE;
    static final int ECONNRESET;
    static final int EMSGSIZE;
    static final int EBADF;
    static final int EINVAL;

    /**
     * The IpcException code of each entry of {@code jipc_errnos}, in its order (null: not a code of its own, EIO).
     * The values come from the C library, so no Linux number is assumed here.
     */
    private static final String[] CODES = {
        IpcException.EAGAIN, null, null, IpcException.ECONNREFUSED, IpcException.ENOENT, IpcException.EHOSTUNREACH,
        IpcException.ENETUNREACH, IpcException.ETIMEDOUT, IpcException.EPIPE, IpcException.ECONNRESET,
        IpcException.EMSGSIZE, null, null, IpcException.EACCES, IpcException.EPERM, IpcException.EADDRINUSE,
        IpcException.EADDRNOTAVAIL, IpcException.EROFS, IpcException.EMFILE,
    };
    private static final java.util.Map<Integer, String> CODE_OF_ERRNO = new java.util.HashMap<>();

    private static final ConcurrentHashMap<Integer, String> MESSAGES = new ConcurrentHashMap<>();

    static {
        NativeLibrary.Loaded loaded = NativeLibrary.loaded();
        if (loaded.lib == null) {
            throw new IllegalStateException("libjipc is not available: " + loaded.cause);
        }
        LIB = loaded.lib;
        RUNTIME = jnr.ffi.Runtime.getRuntime(LIB);
        int[] e = loaded.errnos;
        EAGAIN = e[0];
        EINPROGRESS = e[1];
        EINTR = e[2];
        ECONNREFUSED = e[3];
        ENOENT = e[4];
        EHOSTUNREACH = e[5];
        ENETUNREACH = e[6];
        ETIMEDOUT = e[7];
        EPIPE = e[8];
        ECONNRESET = e[9];
        EMSGSIZE = e[10];
        EBADF = e[11];
        EINVAL = e[12];
        for (int i = 0; i < CODES.length; i++) {
            if (CODES[i] != null) {
                CODE_OF_ERRNO.putIfAbsent(e[i], CODES[i]); // EWOULDBLOCK may equal EAGAIN: the first one wins
            }
        }
    }

    private NativeIo() {
    }

    /**
     * @param direct a direct buffer the caller keeps referenced for as long as the pointer is used
     * @return a pointer to its first byte
     */
    static Pointer pointer(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return Pointer.wrap(RUNTIME, Pointer.wrap(RUNTIME, direct).address());
    }

    /**
     * @param errno an errno value
     * @return its IpcException code, or null when it has none of its own (EIO)
     */
    static String codeOf(int errno) {
        return CODE_OF_ERRNO.get(errno);
    }

    /** @return the OS's text for an errno (cached) */
    static String message(int errno) {
        return MESSAGES.computeIfAbsent(errno, n -> {
            byte[] buf = new byte[256];
            int len = LIB.jipc_strerror(n, buf, buf.length);
            return len > 0 ? new String(buf, 0, len, StandardCharsets.UTF_8) : "errno " + n;
        });
    }

    /**
     * @param syscall the failed system call
     * @param errno its errno (positive)
     * @param detail what it was applied to (an address), or null
     * @return the exception to throw
     */
    static IOException error(String syscall, int errno, String detail) {
        String text = syscall + (detail == null ? "" : " " + detail) + ": " + message(errno);
        if (errno == ECONNREFUSED) {
            return new Refused(text, errno);
        }
        if (errno == EHOSTUNREACH || errno == ENETUNREACH) {
            return new NoRoute(text, errno);
        }
        return new NativeIoException(syscall, errno, text);
    }

    /** ECONNREFUSED: a {@link ConnectException}, as the JDK throws, that also carries the errno. */
    static final class Refused extends ConnectException implements OsError {
        private static final long serialVersionUID = 1L;
        private final int errno;

        Refused(String message, int errno) {
            super(message);
            this.errno = errno;
        }

        @Override
        public String code() {
            return codeOf(errno);
        }

        @Override
        public int errno() {
            return errno;
        }
    }

    /** EHOSTUNREACH/ENETUNREACH: a {@link NoRouteToHostException}, as the JDK throws, that carries the errno. */
    static final class NoRoute extends NoRouteToHostException implements OsError {
        private static final long serialVersionUID = 1L;
        private final int errno;

        NoRoute(String message, int errno) {
            super(message);
            this.errno = errno;
        }

        @Override
        public String code() {
            return codeOf(errno);
        }

        @Override
        public int errno() {
            return errno;
        }
    }

    /**
     * @param syscall the system call
     * @param rc a libjipc result
     * @param detail what it was applied to, or null
     * @return rc when {@code >= 0}
     * @throws IOException otherwise
     */
    static int check(String syscall, int rc, String detail) throws IOException {
        if (rc < 0) {
            throw error(syscall, -rc, detail);
        }
        return rc;
    }

    /** @return a new poller */
    static int pollCreate() throws IOException {
        return check(POLL_CREATE, LIB.jipc_poll_create(), null);
    }

    /**
     * @param pfd the poller
     * @param op {@link #CTL_ADD}, {@link #CTL_MOD} or {@link #CTL_DEL}
     * @param fd the socket (or a wakeup handle's {@code jipc_wakeup_fd})
     * @param events the interest ({@code POLL_IN}, {@code POLL_OUT})
     * @param token what its events are reported with
     * @throws IOException named "poll register", "poll modify" or "poll unregister" by the operation
     */
    static void pollCtl(int pfd, int op, int fd, int events, long token) throws IOException {
        check(POLL_CTL[op], LIB.jipc_poll_ctl(pfd, op, fd, events, token), null);
    }

    /**
     * Waits for ready sockets.
     *
     * @param pfd the poller
     * @param events where {@code jipc_poll_wait} writes them (16 bytes each)
     * @param max how many fit
     * @param timeoutMs 0: do not block; -1: until something is ready; else at most this long
     * @return how many were written; 0 when the wait was interrupted (EINTR: the caller simply waits again)
     * @throws IOException when waiting fails otherwise ("poll wait")
     */
    static int pollWait(int pfd, Pointer events, int max, int timeoutMs) throws IOException {
        int n = LIB.jipc_poll_wait(pfd, events, max, timeoutMs);
        if (n < 0) {
            if (-n == EINTR) {
                return 0;
            }
            throw error(POLL_WAIT, -n, null);
        }
        return n;
    }

    /** @return a new wakeup handle */
    static int wakeupCreate() throws IOException {
        return check(WAKEUP_CREATE, LIB.jipc_wakeup_create(), null);
    }

    static int socket(int family, int type) throws IOException {
        return check("socket", LIB.jipc_socket(family, type), null);
    }

    static void close(int fd) {
        LIB.jipc_close(fd); // nothing to do with a failed close: the descriptor is released either way
    }
}
