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

    /**
     * Names an endpoint in errors: its name, then its address in parentheses when it has one to show.
     *
     * @param name e.g. "socket 2" or "client world"
     * @param address the peer's address, or null
     * @return e.g. "socket 2 (127.0.0.1:5000)"; the name alone for an accepted Unix socket, whose peer has no path
     */
    public static String label(String name, SocketAddress address) {
        String peer = address == null ? "" : describe(address);
        return peer.isEmpty() ? name : name + " (" + peer + ")";
    }
}
