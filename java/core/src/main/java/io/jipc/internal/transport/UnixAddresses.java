package io.jipc.internal.transport;

import io.jipc.IpcException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * Linux abstract-namespace Unix sockets: a path written {@code @name} names a socket in the abstract namespace (no
 * file; gone when the last socket on it closes; reachable by any process in the network namespace, file modes do
 * not apply). Only the native transport can address them: the JDK's UnixDomainSocketAddress has no way to write the
 * leading NUL byte, and would create a file called {@code @name} instead.
 */
public final class UnixAddresses {
    private UnixAddresses() {
    }

    /**
     * @param address any address
     * @return true for a Unix address whose path starts with {@code @}
     */
    public static boolean isAbstract(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress
                && ((UnixDomainSocketAddress) address).getPath().toString().startsWith("@");
    }

    /**
     * @param op the operation, e.g. "listen"
     * @param address the abstract address
     * @return the error the NIO transport gives for it
     */
    static IpcException unsupported(String op, SocketAddress address) {
        return new IpcException(IpcException.ENOTSUP, op + " " + ((UnixDomainSocketAddress) address).getPath()
                + ": abstract-namespace Unix sockets (@name) need the native transport (the JDK cannot address them;"
                + " add the io.jipc:jipc-native jar of this platform, or use a socket file path)");
    }
}
