package io.jipc.internal;

import io.jipc.IpcException;
import io.jipc.IpcSocket;
import io.jipc.UdpType;
import io.jipc.internal.transport.Addresses;
import io.jipc.internal.transport.IoLoop;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * node-ipc's {@code ipc.server} for {@code serveNet(host, port, 'udp4' | 'udp6')}: one datagram socket, no
 * connections. Each sender becomes a {@link UdpPeer} (the {@code socket} of its events). Received datagrams are
 * decoded per peer with the same incremental decoder as the stream transports, so a datagram holding several frames
 * gives several events and a frame split over datagrams from one peer is joined, as node-ipc 14 does (9.x drops a
 * datagram without a trailing delimiter). At most {@code maxConnections} peers are remembered, for broadcast and
 * reassembly. A sender not yet remembered when the table is full takes the place of the peer heard from longest ago
 * (least recently heard): UDP has no close, so senders that are gone (one-shot tools, ephemeral ports) would otherwise
 * fill the table for good and live peers that spoke later would never get a broadcast. The forgotten peer loses only
 * its place in {@link #sockets()} and broadcasts (and a partial frame, if it had one); it is remembered again the next
 * time it sends.
 */
final class UdpServerImpl extends ServerBase implements IoLoop.DatagramHandler {
    private final String host;
    private final int port;
    final UdpType type;
    /** I/O thread only. In access order: {@code get} on a datagram moves its sender to the end, so the first entry is
     * the peer heard from longest ago, the one a new sender replaces when the table is full. */
    private final LinkedHashMap<InetSocketAddress, UdpPeer> peers = new LinkedHashMap<>(16, 0.75f, true);
    /** The remembered peers, in order heard from, for {@link #sockets()} and broadcast from any thread. */
    private final CopyOnWriteArrayList<UdpPeer> order = new CopyOnWriteArrayList<>();
    private final AtomicLong peerIds = new AtomicLong();
    private volatile IoLoop.DatagramEndpoint endpoint;
    private volatile InetSocketAddress bound;

    UdpServerImpl(IpcRuntime rt, String host, int port, UdpType type) {
        super(rt);
        this.host = host;
        this.port = port;
        this.type = type;
    }

    private String describeRequested() {
        return type.name().toLowerCase(java.util.Locale.ROOT) + " " + Addresses.describe(
                InetSocketAddress.createUnresolved(host, port));
    }

    @Override
    public synchronized void start() {
        if (endpoint != null) {
            throw new IpcException(IpcException.ESTATE, "start " + describeRequested() + ": already listening");
        }
        IoLoop transport = rt.transport();
        InetSocketAddress local = new InetSocketAddress(bindAddress(), port);
        try {
            endpoint = transport.bindDatagram(local, type == UdpType.UDP4 ? StandardProtocolFamily.INET
                    : StandardProtocolFamily.INET6, this);
        } catch (IOException | RuntimeException e) {
            throw rt.osError("bind " + type.name().toLowerCase(java.util.Locale.ROOT), local, e);
        }
        bound = endpoint.localAddress();
        transport.execute(() -> {
            fireSignal("start", null);
            fireSignal("connect", null);
        });
    }

    /** The address of {@code host} in this server's family; node-ipc binds udp4 on "::1" to 127.0.0.1. */
    private InetAddress bindAddress() {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IpcException(IpcException.ENOTFOUND, "bind " + describeRequested() + ": unknown host " + host, e);
        }
        for (InetAddress a : all) {
            if (type == UdpType.UDP4 ? a instanceof Inet4Address : a instanceof Inet6Address) {
                return a;
            }
        }
        if (type == UdpType.UDP4 && all.length > 0 && all[0].isLoopbackAddress()) {
            return ipv4Loopback();
        }
        throw new IpcException(IpcException.EADDRNOTAVAIL, "bind " + describeRequested() + ": " + host + " has no "
                + (type == UdpType.UDP4 ? "IPv4" : "IPv6") + " address");
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        IoLoop.DatagramEndpoint e;
        synchronized (this) {
            e = endpoint;
            endpoint = null;
        }
        if (e == null) {
            return;
        }
        e.close();
        rt.transport().execute(() -> {
            peers.clear();
            order.clear();
        });
    }

    @Override
    public boolean isListening() {
        return endpoint != null;
    }

    @Override
    public SocketAddress address() {
        return bound;
    }

    @Override
    public CompletionStage<Void> emit(InetSocketAddress target, String type, Object data) {
        InetSocketAddress to = target;
        if (to.isUnresolved()) {
            to = new InetSocketAddress(target.getHostString(), target.getPort());
            if (to.isUnresolved()) {
                return Stages.failed(new IpcException(IpcException.ENOTFOUND, "emit '" + type + "' to "
                        + Addresses.describe(target) + ": unknown host " + target.getHostString()));
            }
        }
        io.jipc.internal.codec.WireCodec codec = rt.clientCodec();
        for (UdpPeer p : order) {
            if (p.address.equals(to)) {
                codec = p.codec(); // answer a peer in the codec it last spoke
                break;
            }
        }
        ByteBuffer frame;
        try {
            frame = rt.encoder.encode(codec, true, type, data, 0, 0, null, null);
        } catch (IpcException e) {
            return Stages.failed(e);
        }
        return send(frame, to, type);
    }

    @Override
    public CompletionStage<Void> broadcast(String type, Object data) {
        io.jipc.internal.connection.OutboundMessage out = new io.jipc.internal.connection.OutboundMessage(
                rt.encoder, type, data, 0); // encoded once per codec in use
        Object[] targets = order.toArray();
        ByteBuffer[] frames = new ByteBuffer[targets.length];
        try {
            if (targets.length == 0) {
                out.get(rt.clientCodec(), true);
            }
            for (int i = 0; i < targets.length; i++) {
                frames[i] = out.get(((UdpPeer) targets[i]).codec(), true);
            }
        } catch (IpcException e) {
            return Stages.failed(e);
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[targets.length];
        for (int i = 0; i < targets.length; i++) {
            all[i] = send(frames[i], ((UdpPeer) targets[i]).address, type).toCompletableFuture();
        }
        return CompletableFuture.allOf(all);
    }

    /** Sends one datagram from this server's socket. */
    CompletionStage<Void> send(ByteBuffer datagram, InetSocketAddress to, String what) {
        IoLoop.DatagramEndpoint e = endpoint;
        if (e == null) {
            return Stages.failed(new IpcException(IpcException.ENOTCONNECTED, "emit '" + what + "' to "
                    + Addresses.describe(to) + ": the " + type.name().toLowerCase(java.util.Locale.ROOT)
                    + " server is not listening (call start first)"));
        }
        int size = datagram.remaining();
        if (size > type.maxDatagramBytes()) {
            return Stages.failed(new IpcException(IpcException.EMSGSIZE, "emit '" + what + "' to "
                    + Addresses.describe(to) + ": a datagram of " + size + " bytes exceeds the largest "
                    + type.name().toLowerCase(java.util.Locale.ROOT) + " payload of " + type.maxDatagramBytes()
                    + " bytes (send smaller messages, or use TCP)"));
        }
        CompletableFuture<Void> promise = new CompletableFuture<>();
        e.send(datagram, to, promise);
        return promise;
    }

    @Override
    public List<IpcSocket> sockets() {
        return List.copyOf(order);
    }

    @Override
    public void onDatagram(ByteBuffer data, InetSocketAddress sender) {
        UdpPeer peer = peers.get(sender);
        if (peer == null) {
            peer = new UdpPeer(this, sender, Long.toString(peerIds.incrementAndGet()));
            if (peers.size() >= rt.config.maxConnections()) {
                Iterator<Map.Entry<InetSocketAddress, UdpPeer>> eldest = peers.entrySet().iterator();
                UdpPeer replaced = eldest.next().getValue();
                eldest.remove();
                order.remove(replaced);
            }
            peers.put(sender, peer);
            order.add(peer);
        }
        peer.receive(data);
    }

    @Override
    public void onReceiveError(IOException error) {
        fire("error", rt.errorMessage(rt.osError("receive", bound, error)), null);
    }

    /** Forgets a peer (its {@code close()}): no more broadcasts, and its partial frame is dropped. */
    void forget(UdpPeer peer) {
        rt.transport().execute(() -> {
            if (peers.remove(peer.address, peer)) {
                order.remove(peer);
            }
        });
    }


    @Override
    public String toString() {
        return "IpcServer{" + describeRequested() + '}';
    }
}
