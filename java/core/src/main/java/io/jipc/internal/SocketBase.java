package io.jipc.internal;

import io.jipc.IpcSocket;
import io.jipc.internal.connection.Connection;
import java.util.Optional;

/**
 * What a server's view of a peer shares, whether a stream socket ({@link SocketImpl}) or a UDP sender
 * ({@link UdpPeer}): its id on the server and the peer id its {@link Connection} learned.
 */
abstract class SocketBase implements IpcSocket, Connection.Owner {
    private final String id;

    /** @param id the socket's id on its server */
    SocketBase(String id) {
        this.id = id;
    }

    /** @return the connection this socket adapts */
    abstract Connection connection();

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Optional<String> peerId() {
        return Optional.ofNullable(connection().peerId());
    }
}
