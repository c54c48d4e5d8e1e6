package io.jipc.internal.transport;

import io.jipc.IpcException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The pure-JDK transport: a {@link Selector} over Unix-domain and TCP socket channels, on the loop of
 * {@link LoopTransport}. Ready keys are handled in the poll step: accept, connect, read into one shared direct
 * buffer, write.
 */
public final class NioTransport extends LoopTransport {
    private static final int READ_BUFFER_BYTES = 256 * 1024;
    private static final int WRITE_BUFFER_BYTES = 256 * 1024;
    private static final int MAX_READS_PER_TURN = 16;
    private static final int MAX_DATAGRAMS_PER_TURN = 64;
    /** Largest UDP payload over IPv6 (65535 - 8); IPv4's is smaller, so one buffer fits both. */
    private static final int DATAGRAM_BUFFER_BYTES = 64 * 1024;

    private final Selector selector;
    /** Heap, so the decoder can scan whole datagrams in place (the JDK copies from its own direct buffer). */
    private final ByteBuffer datagramBuffer = ByteBuffer.allocate(DATAGRAM_BUFFER_BYTES);
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final FrameWriter writer = new FrameWriter(WRITE_BUFFER_BYTES);

    private NioTransport(String name, boolean silent, long busyPollNanos) throws IOException {
        super(name, silent, busyPollNanos);
        this.selector = Selector.open();
    }

    /**
     * Opens a selector and starts the I/O thread.
     *
     * @param name thread name prefix
     * @param silent true to suppress log output
     * @param busyPollNanos how long the I/O thread polls without blocking before it waits (0: never)
     * @return the running transport
     */
    public static NioTransport start(String name, boolean silent, long busyPollNanos) {
        try {
            NioTransport t = new NioTransport(name, silent, busyPollNanos);
            t.startThread();
            return t;
        } catch (IOException e) {
            throw new IpcException(IpcException.EIO,
                    "cannot open a selector for the jipc I/O thread: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "nio";
    }

    private static ProtocolFamily familyOf(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return StandardProtocolFamily.UNIX;
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        return inet.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
    }

    @Override
    public Listener listen(SocketAddress address, int backlog, AcceptHandler handler, BindHook afterBind)
            throws IOException {
        if (UnixAddresses.isAbstract(address)) {
            throw UnixAddresses.unsupported("listen", address);
        }
        ServerSocketChannel ssc = ServerSocketChannel.open(familyOf(address));
        try {
            if (!(address instanceof UnixDomainSocketAddress)) {
                ssc.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            ssc.bind(address, backlog);
            if (afterBind != null) {
                afterBind.bound(ssc.getLocalAddress());
            }
            ssc.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ssc);
            throw e;
        }
        NioListener listener = new NioListener(ssc, handler);
        listener.start();
        return listener;
    }

    @Override
    public DatagramEndpoint bindDatagram(InetSocketAddress local, ProtocolFamily family, DatagramHandler handler)
            throws IOException {
        DatagramChannel dc = DatagramChannel.open(family);
        try {
            dc.bind(local);
            dc.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            closeQuietly(dc);
            throw e;
        }
        NioDatagram d = new NioDatagram(dc, handler);
        d.start();
        return d;
    }

    @Override
    public Channel connect(SocketAddress remote, SocketAddress local, ChannelHandler handler) {
        NioChannel c = new NioChannel(handler, remote);
        c.connect(local);
        return c;
    }

    @Override
    protected boolean poll(long timeoutMs) throws IOException {
        if (timeoutMs == 0) {
            return selector.selectNow(this::onReady) > 0;
        } else if (timeoutMs < 0) {
            return selector.select(this::onReady) > 0;
        } else {
            return selector.select(this::onReady, timeoutMs) > 0;
        }
    }

    @Override
    protected void wakeup() {
        selector.wakeup();
    }

    @Override
    protected void releaseLoop() {
        closeQuietly(selector);
    }

    private void onReady(SelectionKey key) {
        Object att = key.attachment();
        try {
            if (att instanceof NioChannel) {
                ((NioChannel) att).onReady(key);
            } else if (att instanceof NioListener) {
                ((NioListener) att).onAcceptable();
            } else if (att instanceof NioDatagram) {
                ((NioDatagram) att).onReady(key);
            }
        } catch (Throwable t) {
            log(System.Logger.Level.ERROR, "unexpected failure handling " + att + ": " + t);
            if (att instanceof NioChannel) {
                ((NioChannel) att).close(t);
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with the error
        }
    }

    /** A listening or datagram channel's registration with the selector; the key's attachment is its socket. */
    private final class NioHandle implements LoopSocket.Handle {
        private final SelectableChannel ch;
        private final int ops;
        private final LoopSocket owner;
        private SelectionKey key;

        NioHandle(SelectableChannel ch, int ops, LoopSocket owner) {
            this.ch = ch;
            this.ops = ops;
            this.owner = owner;
        }

        @Override
        public void register() throws IOException {
            key = ch.register(selector, ops, owner);
        }

        @Override
        public void release() {
            if (key != null) {
                key.cancel();
            }
            closeQuietly(ch);
        }

        @Override
        public void close() {
            closeQuietly(ch);
        }
    }

    private final class NioListener extends LoopListener {
        private final ServerSocketChannel ssc;
        private final NioHandle handle;

        NioListener(ServerSocketChannel ssc, AcceptHandler handler) throws IOException {
            super(NioTransport.this, ssc.getLocalAddress(), handler);
            this.ssc = ssc;
            this.handle = new NioHandle(ssc, SelectionKey.OP_ACCEPT, this);
        }

        @Override
        protected LoopSocket.Handle handle() {
            return handle;
        }

        @Override
        protected void setAccepting(boolean on) {
            if (handle.key.isValid()) {
                handle.key.interestOps(on ? SelectionKey.OP_ACCEPT : 0);
            }
        }

        void onAcceptable() {
            for (int i = 0; i < MAX_ACCEPTS_PER_TURN && isOpen(); i++) {
                SocketChannel sc;
                try {
                    sc = ssc.accept();
                } catch (IOException e) {
                    acceptFailed(e);
                    return;
                }
                if (sc == null) {
                    return;
                }
                NioChannel c = new NioChannel(null, null);
                try {
                    c.adopt(sc);
                } catch (IOException e) {
                    closeQuietly(sc);
                    handler.onAcceptError(e);
                    continue;
                }
                c.handler = handler.onAccept(c);
                c.finishOpen();
            }
        }
    }

    /**
     * A UDP socket on the loop: receives up to {@link #MAX_DATAGRAMS_PER_TURN} datagrams per turn into the shared
     * 64 KiB buffer, and sends queued datagrams one {@code send} per datagram.
     */
    private final class NioDatagram extends LoopDatagram {
        private final DatagramChannel dc;
        private final NioHandle handle;

        NioDatagram(DatagramChannel dc, DatagramHandler handler) throws IOException {
            super(NioTransport.this, (InetSocketAddress) dc.getLocalAddress(), handler);
            this.dc = dc;
            this.handle = new NioHandle(dc, SelectionKey.OP_READ, this);
        }

        @Override
        protected LoopSocket.Handle handle() {
            return handle;
        }

        void onReady(SelectionKey k) {
            int ready = k.readyOps();
            onReady((ready & SelectionKey.OP_WRITE) != 0, (ready & SelectionKey.OP_READ) != 0);
        }

        @Override
        protected void receive() {
            ByteBuffer buf = datagramBuffer;
            for (int i = 0; i < MAX_DATAGRAMS_PER_TURN && isOpen(); i++) {
                buf.clear();
                SocketAddress from;
                try {
                    from = dc.receive(buf);
                } catch (IOException e) {
                    handler.onReceiveError(e);
                    return;
                }
                if (from == null) {
                    return;
                }
                buf.flip();
                handler.onDatagram(buf, (InetSocketAddress) from);
            }
        }

        @Override
        protected Sent sendSome() {
            DatagramQueue.Pending p = outbound.peek();
            if (p == null) {
                return Sent.NONE;
            }
            int sent;
            try {
                sent = dc.send(p.buf, p.target);
            } catch (IOException | RuntimeException e) {
                outbound.poll();
                // over UDP's limit: the JDK reports EMSGSIZE only as the OS's (localized) text, so the size tells
                outbound.fail(p, e, p.buf.remaining() > maxPayload(p.target));
                return Sent.SOME;
            }
            if (sent == 0 && p.buf.hasRemaining()) {
                return Sent.BLOCKED;
            }
            DatagramQueue.sent(outbound.poll());
            return Sent.SOME;
        }

        /** @return the largest UDP payload the target's IP version carries (65507 for IPv4, 65527 for IPv6) */
        private int maxPayload(InetSocketAddress target) {
            return target.getAddress() instanceof java.net.Inet6Address ? 65527 : 65507;
        }

        @Override
        protected boolean writeBlocked() {
            return (handle.key.interestOps() & SelectionKey.OP_WRITE) != 0;
        }

        @Override
        protected void setWriteBlocked(boolean on) {
            handle.key.interestOps(on ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    private final class NioChannel extends LoopChannel {
        private SocketChannel ch;
        private SelectionKey key;
        /** An accepted Unix-domain connection: credentials are read on first request (names to ids is not free). */
        private boolean unixPeer;
        private volatile boolean credentialsRead;

        NioChannel(ChannelHandler handler, SocketAddress remote) {
            super(NioTransport.this, writer, handler, remote);
        }

        void adopt(SocketChannel sc) throws IOException {
            ch = sc;
            sc.configureBlocking(false);
            if (!(sc.getLocalAddress() instanceof UnixDomainSocketAddress)) {
                sc.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } else {
                unixPeer = true;
            }
            remote = sc.getRemoteAddress();
            key = sc.register(selector, SelectionKey.OP_READ, this);
            channels.add(this);
        }

        @Override
        protected void openAndConnect(SocketAddress target, SocketAddress local) throws IOException {
            if (UnixAddresses.isAbstract(target)) {
                close(UnixAddresses.unsupported("connect", target));
                return;
            }
            ch = SocketChannel.open(familyOf(target));
            channels.add(this);
            ch.configureBlocking(false);
            if (!(target instanceof UnixDomainSocketAddress)) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            if (local != null) {
                ch.bind(local);
            }
            key = ch.register(selector, 0, this);
            boolean existedBefore = !(target instanceof UnixDomainSocketAddress) || java.nio.file.Files.exists(
                    ((UnixDomainSocketAddress) target).getPath(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            boolean done;
            try {
                done = ch.connect(target);
            } catch (IOException e) {
                throw target instanceof UnixDomainSocketAddress
                        ? unixConnectFailure(e, ((UnixDomainSocketAddress) target).getPath(), existedBefore) : e;
            }
            if (done) {
                connected();
            } else {
                key.interestOps(SelectionKey.OP_CONNECT);
            }
        }

        private void connected() {
            key.interestOps(SelectionKey.OP_READ);
            finishOpen();
        }

        void onReady(SelectionKey k) {
            int ready = k.readyOps();
            if ((ready & SelectionKey.OP_CONNECT) != 0) {
                try {
                    if (ch.finishConnect()) {
                        connected();
                    }
                } catch (IOException e) {
                    close(e);
                }
                return;
            }
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                onWritable();
            }
            if (isOpen() && (ready & SelectionKey.OP_READ) != 0) {
                doRead();
            }
        }

        private void doRead() {
            ByteBuffer buf = readBuffer;
            for (int i = 0; i < MAX_READS_PER_TURN && isOpen(); i++) {
                buf.clear();
                int n;
                try {
                    n = ch.read(buf);
                } catch (IOException e) {
                    close(readFailure(e));
                    return;
                }
                if (n < 0) {
                    close(null);
                    return;
                }
                if (n == 0) {
                    return;
                }
                buf.flip();
                handler.onData(buf);
                if (n < buf.capacity()) {
                    return;
                }
            }
        }

        @Override
        public io.jipc.PeerCredentials peerCredentials() {
            if (unixPeer && !credentialsRead) {
                synchronized (this) {
                    if (!credentialsRead) {
                        credentials = PeerIds.of(ch);
                        credentialsRead = true;
                    }
                }
            }
            return credentials;
        }

        /**
         * The JDK types ECONNRESET on read (sun.net.ConnectionResetException); any other read failure on an
         * established TCP connection comes as a plain IOException with the OS's localized text. Those errnos
         * (ETIMEDOUT, EHOSTUNREACH, ENETUNREACH: the kernel gave up on the peer) are reported as ETIMEDOUT, by
         * what failed, not by the text.
         */
        private IOException readFailure(IOException e) {
            if (e.getClass() == java.net.SocketException.class) {
                // SocketChannel.read throws a plain SocketException only for ECONNRESET (its throwConnectionReset);
                // every other OS error comes as a plain IOException
                return new OsErrorException(io.jipc.IpcException.ECONNRESET, e);
            }
            if (e.getClass() != IOException.class || remote instanceof UnixDomainSocketAddress) {
                return e;
            }
            return new OsErrorException(io.jipc.IpcException.ETIMEDOUT, e);
        }

        /**
         * A Unix-socket connect that failed with a plain SocketException (the JDK's type for every errno but
         * ECONNREFUSED, with the OS's localized text): ENOENT when the path was missing just before or is now, EACCES
         * when it may not be written, else EAGAIN (a full backlog, the one errno left). Reading the path both before
         * and after the connect keeps a restart of the server (file removed and made again) from passing for EAGAIN.
         */
        private IOException unixConnectFailure(IOException e, java.nio.file.Path path, boolean existedBefore) {
            if (e.getClass() != java.net.SocketException.class) {
                return e;
            }
            if (!existedBefore || !java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return new OsErrorException(io.jipc.IpcException.ENOENT, e);
            }
            return new OsErrorException(java.nio.file.Files.isWritable(path) ? io.jipc.IpcException.EAGAIN
                    : io.jipc.IpcException.EACCES, e);
        }

        @Override
        protected void kernelWrite(ByteBuffer out) throws IOException {
            try {
                ch.write(out);
            } catch (IOException e) {
                // The JDK reports a failed write on a connected socket (EPIPE, ECONNRESET) as a plain IOException
                // with the OS's localized text; either way the peer is gone: EPIPE, by what failed, not by the text
                throw e.getClass() == IOException.class ? new OsErrorException(io.jipc.IpcException.EPIPE, e) : e;
            }
        }

        @Override
        protected boolean writeBlocked() {
            return (key.interestOps() & SelectionKey.OP_WRITE) != 0;
        }

        @Override
        protected void setWriteBlocked(boolean on) {
            key.interestOps(on ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        @Override
        protected void release() {
            if (key != null) {
                key.cancel();
            }
            if (ch != null) {
                closeQuietly(ch);
            }
            channels.remove(this);
        }
    }
}
