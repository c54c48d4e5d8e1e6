package io.jipc.internal.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** How a socket address is named in errors and {@code toString}: a Unix socket's path, or host:port. */
public final class Addresses {
    private Addresses() {
    }

    /**
     * @param address a Unix-domain or inet socket address (anything else is shown as {@code String.valueOf})
     * @return the path, or host:port with an IPv6 host in brackets
     */
    public static String describe(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return ((UnixDomainSocketAddress) address).getPath().toString();
        }
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            String host = inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
