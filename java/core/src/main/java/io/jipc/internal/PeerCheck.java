package io.jipc.internal;

import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.PeerCredentials;
import io.jipc.internal.transport.Addresses;
import io.jipc.internal.transport.Channel;
import java.net.UnixDomainSocketAddress;

/** The {@link IpcConfig#allowedUids} check a Unix-socket server makes on each accepted connection. */
final class PeerCheck {
    private PeerCheck() {
    }

    /**
     * @param config the server's config
     * @param server the address it listens on
     * @param channel the accepted connection
     * @return why the connection is refused ({@code EPERM}), or null to accept it
     */
    static IpcException refusal(IpcConfig config, java.net.SocketAddress server, Channel channel) {
        if (config.allowedUids().isEmpty() || !(server instanceof UnixDomainSocketAddress)) {
            return null;
        }
        PeerCredentials c = channel.peerCredentials();
        String where = "connection to " + Addresses.describe(server);
        if (c == null || c.uid() < 0) {
            return new IpcException(IpcException.EPERM, where + " refused: the peer's uid is unknown (allowedUids="
                    + config.allowedUids() + ")");
        }
        if (config.allowedUids().contains(c.uid())) {
            return null;
        }
        return new IpcException(IpcException.EPERM,
                where + " refused: uid " + c.uid() + (c.pid() >= 0 ? " (pid " + c.pid()
                + ")" : "") + " is not in allowedUids " + config.allowedUids());
    }
}
