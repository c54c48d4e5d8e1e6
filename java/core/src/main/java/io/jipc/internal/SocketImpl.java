package io.jipc.internal;

import io.jipc.IpcException;
import io.jipc.IpcSocket;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.JsonFrameDecoder;
import io.jipc.internal.transport.Channel;
import io.jipc.internal.transport.ChannelHandler;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** One accepted connection of a {@link ServerImpl}: decodes its frames and dispatches them to the server's handlers. */
final class SocketImpl implements IpcSocket, ChannelHandler, FrameSink {
    private static final byte[] ID_KEY = {'"', 'i', 'd', '"'};

    private final ServerImpl server;
    private final IpcRuntime rt;
    final Channel channel;
    private final String id;
    private final JsonFrameDecoder decoder;
    private final PartialFrameGuard partial;
    private volatile String peerId;
    /** Set when a protocol error closes the connection: later frames of the same read are ignored. */
    private boolean stopped;
    /** Set when this side closes the connection: a frame cut short by that is not the peer's truncation. */
    volatile boolean closedHere;

    SocketImpl(ServerImpl server, Channel channel, String id) {
        this.server = server;
        this.rt = server.rt;
        this.channel = channel;
        this.id = id;
        this.decoder = rt.config.rawBuffer() ? null : rt.newDecoder();
        this.partial = new PartialFrameGuard(rt.transport(), rt.config.partialFrameTimeout(), this::describe, e -> {
            server.fire("error", rt.errorMessage(e), this);
            closedHere = true;
            channel.close(null);
        });
        partial.reset(decoder);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<String> peerId() {
        return Optional.ofNullable(peerId);
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public Optional<io.jipc.PeerCredentials> peerCredentials() {
        return Optional.ofNullable(channel.peerCredentials());
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public CompletionStage<Void> emit(String type, Object data) {
        ByteBuffer frame;
        try {
            frame = rt.encode(type, data);
        } catch (IpcException e) {
            return IpcRuntime.failed(e);
        }
        return send(frame, true);
    }

    @Override
    public CompletionStage<Void> write(byte[] bytes) {
        return send(ByteBuffer.wrap(bytes.clone()), true);
    }

    /**
     * @param bytes the frame
     * @param mayBlock false for broadcast, which never waits for one socket under {@code Backpressure.BLOCK}
     * @return completes when written, or fails with the reason
     */
    CompletionStage<Void> send(ByteBuffer bytes, boolean mayBlock) {
        return Outbound.send(rt, channel, bytes, this::describe, mayBlock);
    }

    @Override
    public long pendingBytes() {
        return channel.pendingBytes();
    }

    private String describe() {
        return "socket " + id + " (" + IpcRuntime.describe(channel.remoteAddress()) + ")";
    }

    @Override
    public CompletionStage<Void> close() {
        closedHere = true;
        return channel.closeAfterFlush(rt.config.flushTimeout().toNanos());
    }

    @Override
    public void onOpen(Channel ch) {
        server.opened(this);
    }

    @Override
    public void onData(ByteBuffer data) {
        if (decoder == null) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            server.fire("data", JsonMessage.ofRaw(chunk, rt.rawCharset, rt.mapper), this);
            return;
        }
        decoder.decode(data, this);
        if (stopped || decoder.isFinished()) {
            data.position(data.limit());
            partial.cancel();
            channel.close(null);
            return;
        }
        partial.afterRead();
    }

    @Override
    public void onFrame(String type, byte[] data) {
        if (stopped) {
            return;
        }
        partial.frameCompleted();
        if (!rt.config.allowReservedEvents() && IpcRuntime.RESERVED.contains(type)) {
            onMalformed("peer sent the built-in event name '" + type + "' (set allowReservedEvents to accept it)",
                    "ERESERVED");
            return;
        }
        if (data != null && data.length > 5 && data[0] == '{' && indexOf(data, ID_KEY) > 0) {
            rememberPeerId(data);
        }
        server.fire(type, JsonMessage.ofJson(type, data, rt.mapper), this);
    }

    private void rememberPeerId(byte[] data) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = rt.mapper.readTree(data).get("id");
            if (node != null && node.isTextual() && !node.asText().isEmpty()) {
                peerId = node.asText();
            }
        } catch (java.io.IOException e) {
            // the decoder validated the JSON; nothing to remember if it still fails
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public boolean onMalformed(String reason) {
        return onMalformed(reason, reason.contains("maxFrameBytes") ? "EFRAMETOOLARGE" : "EMALFORMED");
    }

    private boolean onMalformed(String reason, String code) {
        boolean skip = rt.config.skipMalformedFrames();
        IpcException e = new IpcException(code, "socket " + id + " (" + IpcRuntime.describe(channel.remoteAddress())
                + "): " + reason + (skip ? "; frame skipped" : "; closing the connection"));
        server.fire("error", rt.errorMessage(e), this);
        stopped = !skip;
        return skip;
    }

    @Override
    public void onClose(Throwable cause) {
        partial.cancel();
        IpcException truncated = truncated(decoder, stopped || closedHere, this::describe);
        if (truncated != null) {
            server.fire("error", rt.errorMessage(truncated), this);
        }
        server.closed(this, cause);
    }

    /**
     * @return an {@code ETRUNCATED} error when the connection closed with part of a frame received, else null
     */
    static IpcException truncated(JsonFrameDecoder decoder, boolean stopped, java.util.function.Supplier<String> who) {
        if (decoder == null || stopped || decoder.isFinished() || decoder.pendingBytes() == 0) {
            return null;
        }
        return new IpcException("ETRUNCATED", who.get() + ": connection closed inside a frame ("
                + decoder.pendingBytes() + " bytes pending)");
    }

    @Override
    public String toString() {
        return "IpcSocket{id=" + id + ", remote=" + IpcRuntime.describe(channel.remoteAddress()) + '}';
    }
}
