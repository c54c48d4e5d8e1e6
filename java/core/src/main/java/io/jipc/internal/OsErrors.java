package io.jipc.internal;

import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.internal.transport.Addresses;
import io.jipc.internal.transport.OsError;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;

/**
 * Names the OS error behind a failure by number or type, never by the OS's message (localized: the JVM follows
 * LC_ALL/LC_MESSAGES). In order: the errno a transport carries ({@link OsError}); the JDK's exception types; for a
 * Unix socket path, what the file system says about the path and its directory (the errno the failed call must have
 * had). Null when none of these tells: the caller reports EIO with the OS's text.
 */
final class OsErrors {
    private OsErrors() {
    }

    /**
     * @param op the operation ("connect ...", "listen", "stop, ...", "socket 3", ...)
     * @param address the socket address it was applied to, or null
     * @param cause the failure
     * @return an {@link IpcException} OS code, or null
     */
    static String codeOf(String op, SocketAddress address, Throwable cause) {
        if (cause instanceof OsError && ((OsError) cause).code() != null) {
            return ((OsError) cause).code();
        }
        if (cause instanceof NoSuchFileException) {
            return IpcException.ENOENT;
        }
        if (cause instanceof AccessDeniedException) {
            return IpcException.EACCES;
        }
        if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
            return IpcException.ENOTFOUND;
        }
        if (cause instanceof NoRouteToHostException) {
            return IpcException.EHOSTUNREACH; // the JDK throws it for EHOSTUNREACH only
        }
        if (cause instanceof ConnectException) {
            return IpcException.ECONNREFUSED; // ECONNREFUSED (also the JDK's type for ETIMEDOUT, not told apart)
        }
        if ("sun.net.ConnectionResetException".equals(cause.getClass().getName())) {
            return IpcException.ECONNRESET; // the JDK's type for ECONNRESET on read
        }
        if (cause instanceof IOException && descriptorsExhausted()) {
            return IpcException.EMFILE; // the JDK reports EMFILE (accept, socket) only as the OS's (localized) text
        }
        if (address instanceof UnixDomainSocketAddress && cause instanceof IOException) {
            Path path = ((UnixDomainSocketAddress) address).getPath().toAbsolutePath();
            // a failed Unix connect is told at the connect call itself (NioTransport: the path read before and
            // after it); a client reports every later failure of its connection as "connect ..." too, and the path
            // says nothing about those
            return op.startsWith("connect") ? null
                    : op.startsWith("listen") || op.startsWith("stop") ? fileFailure(path, op.startsWith("listen"))
                    : null;
        }
        if (cause instanceof BindException && address instanceof InetSocketAddress) {
            return isLocal((InetSocketAddress) address) ? IpcException.EADDRINUSE : IpcException.EADDRNOTAVAIL;
        }
        return null;
    }

    /** Making (listen) or removing (stop) a socket file failed: its directory tells which errno it was. */
    private static String fileFailure(Path path, boolean making) {
        Path dir = path.getParent();
        if (dir == null) {
            return null;
        }
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(dir, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            return IpcException.ENOENT;
        } catch (AccessDeniedException e) {
            return IpcException.EACCES;
        } catch (IOException | RuntimeException e) {
            return null;
        }
        try {
            if (Files.getFileStore(dir).isReadOnly()) {
                return IpcException.EROFS;
            }
        } catch (IOException e) {
            // go on with the other checks
        }
        if (!Files.isWritable(dir)) {
            // access(2) refuses: by the permission bits (EACCES) or in spite of them (EPERM: an immutable directory)
            return bitsAllowWrite(attrs) ? IpcException.EPERM : IpcException.EACCES;
        }
        if (making && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return IpcException.EADDRINUSE;
        }
        return null;
    }

    private static boolean bitsAllowWrite(PosixFileAttributes attrs) {
        String user = System.getProperty("user.name");
        if ("root".equals(user)) {
            return true;
        }
        if (attrs.owner().getName().equals(user)) {
            return attrs.permissions().contains(PosixFilePermission.OWNER_WRITE);
        }
        return attrs.permissions().contains(PosixFilePermission.OTHERS_WRITE);
    }

    /**
     * @return true when this process cannot open one more descriptor (/dev/null, which exists, fails to open): a
     *     call that failed with no errno while that is so failed with EMFILE (or ENFILE, the system-wide limit)
     */
    static boolean descriptorsExhausted() {
        Path devNull = Path.of("/dev/null");
        try {
            java.nio.channels.FileChannel.open(devNull).close();
            return false;
        } catch (IOException | RuntimeException e) {
            return Files.exists(devNull); // stat needs no descriptor
        }
    }

    private static boolean isLocal(InetSocketAddress address) {
        if (address.getAddress() == null || address.getAddress().isAnyLocalAddress()
                || address.getAddress().isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address.getAddress()) != null;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Maps a socket failure to an IpcException with an OS-style code and a message naming the operation. The code
     * comes from the errno or the exception's type ({@link #codeOf}), never from the OS's (localized) text.
     *
     * @param config names socketRoot in the hint of a path made from an id
     * @param op the operation
     * @param address the socket address it was applied to, or null
     * @param cause the failure
     * @return the error to report
     */
    static IpcException exception(IpcConfig config, String op, SocketAddress address, Throwable cause) {
        if (cause instanceof IpcException) {
            return (IpcException) cause;
        }
        String msg = String.valueOf(cause.getMessage());
        String peer = Addresses.describe(address);
        String where = peer.isEmpty() ? op : op + " " + peer;
        // listen and stop make and remove a socket file: name the directory, which is what is missing or refuses
        Path dir = (op.startsWith("listen") || op.startsWith("stop")) && address instanceof UnixDomainSocketAddress
                ? ((UnixDomainSocketAddress) address).getPath().toAbsolutePath().getParent() : null;
        // socketRoot is named only for a path of node-ipc's shape socketRoot + appspace + id (made from an id), not
        // for an explicit path elsewhere
        String prefix = config.socketRoot() + config.appspace();
        String root = address instanceof UnixDomainSocketAddress && peer.startsWith(prefix)
                && peer.indexOf('/', prefix.length()) < 0 && peer.length() > prefix.length()
                ? "socketRoot=" + config.socketRoot() : null;
        String code = OsErrors.codeOf(op, address, cause);
        if (code == null) {
            return new IpcException(IpcException.EIO, where + ": " + msg, cause);
        }
        switch (code) {
            case IpcException.ENOENT:
                return new IpcException(code, dir != null
                        ? where + ": the directory " + dir + " does not exist (removed?"
                                + (root == null ? ")" : " " + root + ")")
                        : where + ": no such socket (is the server started?" + (root == null ? ")" : " " + root + ")"),
                        cause);
            case IpcException.EPERM:
                return new IpcException(code, where + ": operation not permitted"
                        + (dir == null ? "" : " (cannot change the directory " + dir + ": immutable?)"), cause);
            case IpcException.EROFS:
                return new IpcException(code, where + ": read-only file system", cause);
            case IpcException.ECONNREFUSED:
                return new IpcException(code, where + ": connection refused (is the server started?)", cause);
            case IpcException.EACCES:
                return new IpcException(code, where + ": permission denied"
                        + (dir == null ? "" : " (cannot change the directory " + dir + ")"), cause);
            case IpcException.EADDRINUSE:
                return new IpcException(code, where + ": address already in use", cause);
            case IpcException.EPIPE:
                return new IpcException(code, where + ": broken pipe (the peer closed the connection)", cause);
            case IpcException.EAGAIN:
                return new IpcException(code, where + ": resource temporarily unavailable"
                        + (address instanceof UnixDomainSocketAddress && op.startsWith("connect")
                                ? " (the server's listen backlog is full)" : ""), cause);
            case IpcException.EMFILE:
                return new IpcException(code, where + ": too many open files (the descriptor limit, ulimit -n, "
                        + "is reached)", cause);
            case IpcException.ECONNRESET:
                return new IpcException(code, where + ": connection reset by peer", cause);
            case IpcException.ETIMEDOUT:
                return new IpcException(code, where + ": connection timed out (the peer stopped answering)", cause);
            case IpcException.ENETUNREACH:
                return new IpcException(code, where + ": network is unreachable", cause);
            case IpcException.ENOTFOUND:
                return new IpcException(code, where + ": unknown host " + msg, cause);
            default:
                return new IpcException(code, where + ": " + msg, cause);
        }
    }
}
