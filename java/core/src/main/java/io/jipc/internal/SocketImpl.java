package io.jipc.internal;

import io.jipc.IpcSocket;
import io.jipc.Message;
import io.jipc.PeerCredentials;
import io.jipc.internal.codec.WireCodec;
import io.jipc.internal.connection.Connection;
import io.jipc.internal.connection.OutboundMessage;
import io.jipc.internal.transport.Addresses;
import io.jipc.internal.transport.Channel;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One accepted connection of a {@link ServerImpl}, as the user sees it ({@link IpcSocket}): a thin adapter over its
 * {@link Connection}, whose events it hands to the server's handlers with itself as the socket.
 */
final class SocketImpl extends SocketBase implements Replier {

    private final ServerImpl server;
    private final Channel channel;
    /** Names this socket in errors (made once: a method reference per emit would allocate). */
    private final Supplier<String> who = this::describe;
    final Connection connection;

    SocketImpl(ServerImpl server, Channel channel, String id) {
        super(id);
        this.server = server;
        this.channel = channel;
        this.connection = Connection.accepted(server.rt, this, this, channel, who);
    }

    @Override
    Connection connection() {
        return connection;
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public Optional<PeerCredentials> peerCredentials() {
        return Optional.ofNullable(channel.peerCredentials());
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public CompletionStage<Void> emit(String type, Object data) {
        return connection.emit(type, data);
    }

    @Override
    public CompletableFuture<CompletionStage<Void>> emitWhenWritable(String type, Object data) {
        return connection.emitWhenWritable(type, data);
    }

    /**
     * @param out a broadcast's message, encoded once per codec
     * @param mayBlock false for broadcast
     * @return completes when written
     */
    CompletionStage<Void> send(OutboundMessage out, boolean mayBlock) {
        return connection.send(out, mayBlock);
    }

    /** @return the codec, or null while undecided */
    WireCodec codec() {
        return connection.codec();
    }

    @Override
    public CompletionStage<Message> request(String type, Object data, Duration timeout) {
        return connection.request(type, data, timeout);
    }

    @Override
    public CompletionStage<Void> sendReply(String type, long re, Object data, String errorCode,
            String errorMessage) {
        return connection.sendReply(type, re, data, errorCode, errorMessage);
    }

    @Override
    public CompletionStage<Void> write(byte[] bytes) {
        return connection.send(ByteBuffer.wrap(bytes.clone()), true);
    }

    @Override
    public long pendingBytes() {
        return channel.pendingBytes();
    }

    private String describe() {
        return Addresses.label("socket " + id(), channel.remoteAddress());
    }

    @Override
    public CompletionStage<Void> close() {
        return connection.close();
    }

    /**
     * Closes when the server stops: after a flush, or at once while a TLS handshake is under way.
     *
     * @param flush whether to flush first
     * @return completes when closed
     */
    CompletableFuture<Void> closeForStop(boolean flush) {
        if (flush) {
            return connection.close();
        }
        connection.closeNow();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onConnectionOpen(Connection c) {
        server.opened(this);
    }

    @Override
    public void onEvent(String type, Message message) {
        server.fire(type, message, this);
    }

    @Override
    public void onConnectionClose(Connection c, Throwable cause) {
        connection.release(false);
        server.closed(this, cause);
    }

    @Override
    public String toString() {
        return "IpcSocket{id=" + id() + ", remote=" + Addresses.describe(channel.remoteAddress()) + '}';
    }
}
