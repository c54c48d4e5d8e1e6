package io.jipc.internal;

import io.jipc.IpcException;
import io.jipc.IpcSocket;
import io.jipc.Message;
import io.jipc.internal.codec.WireCodec;
import io.jipc.internal.connection.Connection;
import io.jipc.internal.transport.Addresses;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A sender heard by a {@link UdpServerImpl}: node-ipc's {@code rinfo} socket. A thin adapter over its datagram
 * {@link Connection}, which decodes its datagrams (I/O thread); {@link #emit} sends it a datagram from the server's
 * socket (any thread).
 */
final class UdpPeer extends SocketBase {

    private final UdpServerImpl server;
    private final IpcRuntime rt;
    final InetSocketAddress address;
    private final Connection connection;

    UdpPeer(UdpServerImpl server, InetSocketAddress address, String id) {
        super(id);
        this.server = server;
        this.rt = server.rt;
        this.address = address;
        String name = server.type.name().toLowerCase(Locale.ROOT) + " peer " + Addresses.describe(address);
        this.connection = Connection.datagramPeer(rt, this, () -> name);
    }

    /** @return the codec of the last datagram from this peer: what it is answered in */
    WireCodec codec() {
        return connection.codec();
    }

    @Override
    Connection connection() {
        return connection;
    }

    @Override
    public SocketAddress remoteAddress() {
        return address;
    }

    @Override
    public boolean isOpen() {
        return server.isListening();
    }

    @Override
    public CompletionStage<Void> emit(String type, Object data) {
        ByteBuffer frame;
        try {
            frame = rt.encoder.event(connection.codec(), true, type, data);
        } catch (IpcException e) {
            return Stages.failed(e);
        }
        return server.send(frame, address, type);
    }

    @Override
    public CompletionStage<Void> write(byte[] bytes) {
        return server.send(ByteBuffer.wrap(bytes.clone()), address, "(raw bytes)");
    }

    @Override
    public CompletionStage<Void> close() {
        server.forget(this);
        return CompletableFuture.completedFuture(null);
    }

    void receive(ByteBuffer data) {
        connection.receiveDatagram(data);
    }

    @Override
    public void onConnectionOpen(Connection c) {
        // datagrams: nothing opens
    }

    @Override
    public void onEvent(String type, Message message) {
        server.fire(type, message, this);
    }

    @Override
    public void onConnectionClose(Connection c, Throwable cause) {
        // datagrams: nothing closes
    }

    @Override
    public String toString() {
        return "IpcSocket{id=" + id() + ", udp peer=" + Addresses.describe(address) + '}';
    }
}
