package io.jipc.internal;

import io.jipc.IpcException;
import io.jipc.IpcSocket;
import io.jipc.internal.connection.OutboundMessage;
import io.jipc.internal.transport.Addresses;
import io.jipc.internal.transport.Channel;
import io.jipc.internal.transport.ChannelHandler;
import io.jipc.internal.transport.IoLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** node-ipc's {@code ipc.server} for Unix sockets and TCP. */
final class ServerImpl extends ServerBase implements IoLoop.AcceptHandler {
    private static final int BACKLOG = 511; // node's default listen backlog

    private final SocketAddress requested;
    private final CopyOnWriteArrayList<SocketImpl> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong socketIds = new AtomicLong();
    /** TLS connections accepted whose handshake has not finished (not yet in {@link #sockets}). */
    private final java.util.Set<SocketImpl> handshaking = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile IoLoop.Listener listener;
    private volatile SocketAddress bound;
    /** Identity of the socket file this server made (Unix socket files only; see SocketFile), for stop. */
    private Object socketKey;
    /** Set for a TCP server when config.tls is set. */
    private volatile io.jipc.internal.tls.TlsSetup tls;

    ServerImpl(IpcRuntime rt, SocketAddress requested) {
        super(rt);
        this.requested = requested;
    }

    @Override
    public synchronized void start() {
        if (listener != null) {
            throw new IpcException(IpcException.ESTATE,
                    "start " + Addresses.describe(requested) + ": already listening");
        }
        IoLoop transport = rt.transport();
        SocketAddress address = requested;
        boolean file = address instanceof UnixDomainSocketAddress
                && !io.jipc.internal.transport.UnixAddresses.isAbstract(address); // "@name": no file
        if (file) {
            startFile(transport, ((UnixDomainSocketAddress) address).getPath());
            return;
        }
        if (!(address instanceof UnixDomainSocketAddress)) {
            InetSocketAddress inet = (InetSocketAddress) address;
            if (inet.isUnresolved()) {
                address = new InetSocketAddress(inet.getHostString(), inet.getPort());
            }
            tls = rt.tls();
            if (tls != null) {
                tls.serverEngine(); // fails now, naming the problem, when there is no key
            }
        }
        try {
            listener = transport.listen(address, BACKLOG, this, null);
        } catch (IOException e) {
            throw rt.osError("listen", requested, e);
        }
        bound = listener.localAddress();
        started(transport);
    }

    private void started(IoLoop transport) {
        transport.execute(() -> fireSignal("start", null));
    }

    /**
     * A socket file: bound in a private directory, given its mode there and linked into place (see
     * {@link SocketFile}), so it is never reachable with another mode and no other file's mode is ever changed.
     */
    private void startFile(IoLoop transport, Path path) {
        IoLoop.Listener l;
        Object key;
        try (SocketFile sf = SocketFile.open(path)) {
            prepareSocketPath(sf, path);
            try {
                l = transport.listen(sf.privateAddress(), BACKLOG, this, b -> sf.publish(modes()));
            } catch (IOException | RuntimeException e) {
                sf.unpublish(); // the listener is closed; its name at the path goes too (a start that failed)
                throw e;
            }
            key = sf.socketKey();
        } catch (IOException e) {
            throw rt.osError("listen", requested, e);
        }
        listener = l;
        socketKey = key;
        bound = requested; // the socket's name at bind was the temporary one
        started(transport);
    }

    /**
     * node-ipc unlinks the path before listening. We remove it only when it is a socket nobody answers on: a regular
     * file is never deleted, a symlink is never followed, and a live server is never displaced.
     */
    private void prepareSocketPath(SocketFile sf, Path path) throws IOException {
        if (!sf.exists()) {
            return;
        }
        Object stale = sf.staleKey();
        if (stale == null) {
            throw new IpcException(IpcException.EEXIST, "listen " + path + ": the path exists and is not a socket; "
                    + "refusing to delete it (remove it yourself or choose another id/socketRoot)");
        }
        if (sf.answers()) {
            throw new IpcException(IpcException.EADDRINUSE,
                    "listen " + path + ": a server is already listening on this "
                    + "socket (stop it, or choose another id/socketRoot)");
        }
        if (!rt.config.unlink()) {
            throw new IpcException(IpcException.EADDRINUSE,
                    "listen " + path + ": a stale socket file is in the way and "
                    + "unlink is false (delete it, or set unlink=true)");
        }
        try {
            sf.removeStale(stale);
        } catch (IOException e) {
            throw rt.osError("listen, removing the stale socket file", requested, e);
        }
    }

    /**
     * Owner-only (0600) whatever the umask; readableAll adds read and writableAll write (needed to connect) for group
     * and others. Set before the socket is reachable at its path: a socket whose mode cannot be set is not served.
     */
    private Set<PosixFilePermission> modes() {
        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if (rt.config.readableAll()) {
            perms.add(PosixFilePermission.GROUP_READ);
            perms.add(PosixFilePermission.OTHERS_READ);
        }
        if (rt.config.writableAll()) {
            perms.add(PosixFilePermission.GROUP_WRITE);
            perms.add(PosixFilePermission.OTHERS_WRITE);
        }
        return perms;
    }

    @Override
    public void stop() {
        IoLoop.Listener l;
        Object key;
        synchronized (this) {
            l = listener;
            listener = null;
            key = socketKey;
            socketKey = null;
        }
        if (l == null) {
            return;
        }
        l.close();
        long flushNanos = rt.config.flushTimeout().toNanos();
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (SocketImpl s : sockets) {
            closing.add(s.closeForStop(true));
        }
        for (SocketImpl s : handshaking) {
            s.closeForStop(false);
        }
        if (key != null) {
            Path path = ((UnixDomainSocketAddress) requested).getPath();
            try {
                SocketFile.removeIfSame(path, key); // only the file this server made: never a successor's
            } catch (IOException e) {
                // stop still closes everything; the file left behind is replaced by the next start once it can be
                fire("error", rt.errorMessage(rt.osError("stop, removing the socket file", requested, e)), null);
            }
        }
        if (!rt.transport().inLoop()) {
            try {
                CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                        .get(flushNanos + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                rt.log(System.Logger.Level.WARNING, "stop: sockets did not close in time: " + e);
            }
        }
    }

    @Override
    public boolean isListening() {
        return listener != null;
    }

    @Override
    public SocketAddress address() {
        return bound;
    }

    @Override
    public CompletionStage<Void> emit(InetSocketAddress target, String type, Object data) {
        InetSocketAddress resolved = target.isUnresolved()
                ? new InetSocketAddress(target.getHostString(), target.getPort()) : target;
        for (SocketImpl s : sockets) {
            if (resolved.equals(s.remoteAddress())) {
                return s.emit(type, data);
            }
        }
        return Stages.failed(new IpcException(IpcException.ENOTCONNECTED, "emit '" + type + "' to "
                + Addresses.describe(target) + ": no socket of " + Addresses.describe(bound)
                + " is connected from that address"));
    }

    @Override
    public CompletionStage<Void> broadcast(String type, Object data) {
        // encoded once per codec in use (JSON and protobuf clients may share this server), on first need
        OutboundMessage out = new OutboundMessage(rt.encoder, type, data, 0);
        Object[] targets = sockets.toArray();
        try {
            if (targets.length == 0) {
                out.requireEncodable(rt.codecs().fallback()); // reports data that cannot be written
            }
            for (Object t : targets) {
                io.jipc.internal.codec.WireCodec c = ((SocketImpl) t).codec();
                if (c != null) {
                    out.get(c, false); // fail at once, before anything is sent, when the data cannot be written
                }
            }
        } catch (IpcException e) {
            return Stages.failed(e);
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[targets.length];
        for (int i = 0; i < targets.length; i++) {
            CompletionStage<Void> sent = ((SocketImpl) targets[i]).send(out, false);
            // a batch's shared read-only stage is a CompletableFuture already: allOf only listens to it, so no copy
            all[i] = sent instanceof CompletableFuture ? (CompletableFuture<?>) sent : sent.toCompletableFuture();
        }
        return aggregate(all);
    }

    /** The stages of the last broadcast and the stage that completes when all of them did. */
    private static final class BroadcastMemo {
        final CompletableFuture<?>[] parts;
        final CompletionStage<Void> all;

        BroadcastMemo(CompletableFuture<?>[] parts) {
            this.parts = parts;
            this.all = CompletableFuture.allOf(parts).minimalCompletionStage();
        }
    }

    private volatile BroadcastMemo lastBroadcast;

    /**
     * One stage for all of a broadcast's. Broadcasts made faster than the I/O thread writes append to the same
     * batches, so they often get exactly the stages the previous one got: then its (read-only) aggregate is theirs
     * too, and a burst of broadcasts builds one completion tree instead of one per broadcast.
     */
    private CompletionStage<Void> aggregate(CompletableFuture<?>[] parts) {
        BroadcastMemo m = lastBroadcast;
        if (m != null && m.parts.length == parts.length) {
            boolean same = true;
            for (int i = 0; i < parts.length && same; i++) {
                same = m.parts[i] == parts[i];
            }
            if (same) {
                return m.all;
            }
        }
        m = new BroadcastMemo(parts);
        lastBroadcast = m;
        return m.all;
    }

    @Override
    public List<IpcSocket> sockets() {
        return List.copyOf(sockets);
    }

    @Override
    public ChannelHandler onAccept(Channel channel) {
        // a TLS connection counts from accept on, while it handshakes (bounded by handshakeTimeout), not from connect
        if (sockets.size() + handshaking.size() >= rt.config.maxConnections()) {
            rt.log(System.Logger.Level.WARNING, "maxConnections (" + rt.config.maxConnections()
                    + ") reached: closing the new connection from " + channel.remoteAddress());
            channel.close(null);
            return REFUSED;
        }
        IpcException refused = PeerCheck.refusal(rt.config, requested, channel);
        if (refused != null) {
            fire("error", rt.errorMessage(refused), null);
            channel.close(null);
            return REFUSED;
        }
        String id = Long.toString(socketIds.incrementAndGet());
        io.jipc.internal.tls.TlsSetup t = tls;
        if (t == null) {
            return new SocketImpl(this, channel, id).connection;
        }
        io.jipc.internal.tls.TlsChannel secure = new io.jipc.internal.tls.TlsChannel(rt.transport(),
                t.serverEngine(), channel.remoteAddress(), rt.config.handshakeTimeout(), null);
        secure.attach(channel);
        SocketImpl s = new SocketImpl(this, secure, id);
        handshaking.add(s);
        return secure.handler(s.connection);
    }

    @Override
    public void onAcceptError(IOException error) {
        fire("error", rt.errorMessage(rt.osError("accept", requested, error)), null);
    }

    void opened(SocketImpl s) {
        handshaking.remove(s);
        sockets.add(s);
        fireSignal("connect", s);
    }

    void closed(SocketImpl s, Throwable cause) {
        handshaking.remove(s);
        boolean known = sockets.remove(s);
        if (cause != null) {
            fire("error", rt.errorMessage(rt.osError("socket " + s.id(), s.remoteAddress(), cause)), s);
        }
        if (known) {
            byte[] id;
            try {
                id = s.peerId().isPresent() ? rt.mapper.writeValueAsBytes(s.peerId().get())
                        : "false".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            } catch (IOException e) {
                id = null;
            }
            fire("socket.disconnected", ReceivedMessage.ofJson("socket.disconnected", id, rt.mapper), s);
        }
    }


    private static final ChannelHandler REFUSED = new ChannelHandler() {
        @Override
        public void onOpen(Channel channel) {
            channel.close(null);
        }

        @Override
        public void onData(ByteBuffer data) {
            data.position(data.limit());
        }

        @Override
        public void onClose(Throwable cause) {
            // a connection over maxConnections: nothing to report
        }
    };
}
