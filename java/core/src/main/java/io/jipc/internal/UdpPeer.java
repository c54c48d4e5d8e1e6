package io.jipc.internal;

import io.jipc.IpcException;
import io.jipc.IpcSocket;
import io.jipc.Wire;
import io.jipc.internal.codec.Codec;
import io.jipc.internal.codec.FrameSink;
import io.jipc.internal.codec.JsonFrameDecoder;
import io.jipc.internal.codec.ProtoFrameDecoder;
import io.jipc.proto.v1.Envelope;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A sender heard by a {@link UdpServerImpl}: node-ipc's {@code rinfo} socket. Decodes its datagrams (I/O thread);
 * {@link #emit} sends it a datagram from the server's socket (any thread).
 */
final class UdpPeer implements IpcSocket, FrameSink {

    private final UdpServerImpl server;
    private final IpcRuntime rt;
    final InetSocketAddress address;
    private final String id;
    /** Null in rawBuffer mode; replaced after a malformed frame, which ends that datagram. */
    private JsonFrameDecoder decoder;
    private volatile String peerId;
    /** The codec of the last datagram from this peer: what it is answered in. */
    volatile Codec codec;

    UdpPeer(UdpServerImpl server, InetSocketAddress address, String id) {
        this.server = server;
        this.rt = server.rt;
        this.address = address;
        this.id = id;
        this.decoder = rt.config.rawBuffer() ? null : rt.newDecoder();
        this.codec = rt.clientCodec();
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
            Codec c = codec;
            frame = c == Codec.JSON ? rt.encode(type, data) : rt.encode(c, true, type, data, 0, 0, null, null);
        } catch (IpcException e) {
            return IpcRuntime.failed(e);
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
        if (decoder == null) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            server.fire("data", JsonMessage.ofRaw(chunk, rt.rawCharset, rt.mapper), this);
            return;
        }
        Wire wire = rt.config.wire();
        boolean proto = data.hasRemaining() && data.get(data.position()) == ProtoFrameDecoder.MAGIC0;
        if (proto && wire != Wire.JSON) {
            codec = Codec.PROTO;
            ProtoFrameDecoder.decodeDatagram(data, rt.config.maxFrameBytes(), this);
            return;
        }
        if (!proto && wire == Wire.PROTO) {
            data.position(data.limit());
            onMalformed("expected the jipc preamble (8f 6a 69 70 63 01): this server takes protobuf datagrams only "
                    + "(wire PROTO)", IpcException.EMALFORMED);
            return;
        }
        codec = Codec.JSON;
        decoder.decode(data, this);
        if (decoder.isFinished()) {
            decoder = rt.newDecoder(); // UDP has no connection to close: start afresh with the next datagram
        }
    }

    @Override
    public void onFrame(String type, byte[] data) {
        if (!rt.config.allowReservedEvents() && IpcRuntime.RESERVED.contains(type)) {
            onMalformed("peer sent the built-in event name '" + type + "' (set allowReservedEvents to accept it)",
                    IpcException.ERESERVED);
            return;
        }
        rememberPeerId(data);
        server.fire(type, JsonMessage.ofJson(type, data, rt.mapper), this);
    }

    @Override
    public void onEnvelope(Envelope env) {
        String type = env.getType();
        if (!rt.config.allowReservedEvents() && IpcRuntime.RESERVED.contains(type)) {
            onMalformed("peer sent the built-in event name '" + type + "' (set allowReservedEvents to accept it)",
                    IpcException.ERESERVED);
            return;
        }
        if (env.hasData() && env.getData().hasStructValue()) {
            com.google.protobuf.Value pid = env.getData().getStructValue().getFieldsOrDefault("id", null);
            if (pid != null && pid.hasStringValue() && !pid.getStringValue().isEmpty()) {
                peerId = pid.getStringValue();
            }
        }
        server.fire(type, JsonMessage.ofEnvelope(env, rt.mapper, null, false), this);
    }

    @Override
    public boolean onMalformed(String reason) {
        return onMalformed(reason, FrameSink.codeOf(reason));
    }

    private boolean onMalformed(String reason, String code) {
        boolean skip = rt.config.skipMalformedFrames();
        IpcException e = new IpcException(code, server.type.name().toLowerCase(java.util.Locale.ROOT) + " peer "
                + IpcRuntime.describe(address) + ": " + reason + (skip ? "; frame skipped"
                : "; rest of the datagram dropped"));
        server.fire("error", rt.errorMessage(e), this);
        return skip;
    }

    private void rememberPeerId(byte[] data) {
        String pid = JsonMessage.topLevelId(data, rt.factory);
        if (pid != null) {
            peerId = pid;
        }
    }

    @Override
    public String toString() {
        return "IpcSocket{id=" + id + ", udp peer=" + IpcRuntime.describe(address) + '}';
    }
}
