package io.jipc.internal.nativeio;

import io.jipc.IpcException;
import io.jipc.internal.transport.Addresses;
import io.jipc.internal.transport.ChannelHandler;
import io.jipc.internal.transport.DatagramQueue;
import io.jipc.internal.transport.FrameWriter;
import io.jipc.internal.transport.LoopChannel;
import io.jipc.internal.transport.LoopDatagram;
import io.jipc.internal.transport.LoopListener;
import io.jipc.internal.transport.LoopSocket;
import io.jipc.internal.transport.LoopTransport;
import io.jipc.internal.transport.OsError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import jnr.ffi.Pointer;

/**
 * The native transport: libjipc's poller (epoll on Linux, kqueue on macOS) on the loop of {@link LoopTransport}, for
 * Unix-domain and TCP streams and UDP. All protocol logic stays in Java; the write path, drain-then-close and
 * backpressure are {@link LoopChannel}'s, the listening and UDP sockets' registration, close and send queue
 * {@link LoopListener}'s and {@link LoopDatagram}'s, shared with the NIO transport.
 *
 * <p>Calls into C are few and coarse: one {@code jipc_poll_wait} per turn returns every ready event into a direct
 * buffer this class owns; reads go into one reused direct buffer; a channel's queued frames go out in one
 * {@code jipc_write} of the loop's write buffer; datagrams move in batches ({@code recvmmsg}/{@code sendmmsg}).
 * Nothing is allocated per message on the native side.
 *
 * <p>Use {@link #isAvailable()} before {@link #start}; when it is false, {@link #unavailabilityCause()} says why.
 */
public final class NativeTransport extends LoopTransport {
    private static final int POLL_IN = 1;
    private static final int POLL_OUT = 2;
    private static final int STREAM = 1;
    private static final int DGRAM = 2;
    private static final int EVENT_BYTES = 16;
    private static final int MAX_EVENTS = 256;
    private static final int READ_BUFFER_BYTES = 256 * 1024;
    private static final int WRITE_BUFFER_BYTES = 256 * 1024;
    private static final int MAX_READS_PER_TURN = 16;
    /** Largest UDP payload over IPv6 (65535 - 8); IPv4's is smaller, so one slot fits both. */
    private static final int DATAGRAM_SLOT_BYTES = 64 * 1024;
    /** Datagrams per recvmmsg and per sendmmsg. */
    private static final int DATAGRAM_BATCH = 16;
    private static final long WAKEUP_TOKEN = -1;

    private final int pfd;
    private final int wfd;
    private final ByteBuffer events = ByteBuffer.allocateDirect(MAX_EVENTS * EVENT_BYTES).order(ByteOrder.nativeOrder());
    private final Pointer eventsPtr;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final Pointer readPtr;
    private final FrameWriter writer = new FrameWriter(WRITE_BUFFER_BYTES);
    private final Pointer writePtr;
    /** Scratch address for calls made on the I/O thread. */
    private final ByteBuffer addr = NativeAddress.allocate();
    private final Pointer addrPtr;
    /** uid, gid, pid of an accepted Unix-domain peer. */
    private final ByteBuffer cred = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
    private final Pointer credPtr;
    /** Registered sockets by token index; a token's upper half is a generation, so a stale event finds nothing. */
    private Registered[] slots = new Registered[64];
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int nextSlot;
    private int generation;
    private DatagramBuffers datagramBuffers;
    /** Guards the wakeup descriptor: a late wakeup must not write to a closed fd the OS has since reused. */
    private final Object wakeLock = new Object();
    private boolean released;

    /** @return true when libjipc loaded for this platform */
    public static boolean isAvailable() {
        return NativeLibrary.isAvailable();
    }

    /** @return why the native transport cannot be used, or null when it can */
    public static String unavailabilityCause() {
        return NativeLibrary.unavailabilityCause();
    }

    private NativeTransport(String name, boolean silent, long busyPollNanos) throws IOException {
        super(name, silent, busyPollNanos);
        this.pfd = NativeIo.pollCreate();
        int w;
        try {
            w = NativeIo.wakeupCreate();
            // the descriptor to poll for a wakeup handle is the backend's business (an eventfd is its own)
            NativeIo.pollCtl(pfd, NativeIo.CTL_ADD, NativeIo.LIB.jipc_wakeup_fd(w), POLL_IN, WAKEUP_TOKEN);
        } catch (IOException e) {
            NativeIo.close(pfd);
            throw e;
        }
        this.wfd = w;
        this.eventsPtr = NativeIo.pointer(events);
        this.readPtr = NativeIo.pointer(readBuffer);
        this.writePtr = NativeIo.pointer(writer.buffer());
        this.addrPtr = NativeIo.pointer(addr);
        this.credPtr = NativeIo.pointer(cred);
    }

    /**
     * Creates the poller and starts the I/O thread.
     *
     * @param name thread name prefix
     * @param silent true to suppress log output
     * @param busyPollNanos how long the I/O thread polls without blocking before it waits (0: never)
     * @return the running transport
     * @throws IpcException when libjipc is unavailable or the poller cannot be created
     */
    public static NativeTransport start(String name, boolean silent, long busyPollNanos) {
        if (!isAvailable()) {
            throw new IpcException(IpcException.ENOTSUP,
                    "the native transport is unavailable: " + unavailabilityCause());
        }
        try {
            NativeTransport t = new NativeTransport(name, silent, busyPollNanos);
            t.startThread();
            return t;
        } catch (IOException e) {
            throw new IpcException(IpcException.EIO, "cannot start the jipc native I/O thread: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "native";
    }

    // ---- the loop ----

    @Override
    protected boolean poll(long timeoutMs) throws IOException {
        int n = NativeIo.pollWait(pfd, eventsPtr, MAX_EVENTS, (int) Math.min(timeoutMs, Integer.MAX_VALUE));
        for (int i = 0; i < n; i++) {
            long token = events.getLong(i * EVENT_BYTES);
            int ready = events.getInt(i * EVENT_BYTES + 8);
            if (token == WAKEUP_TOKEN) {
                NativeIo.LIB.jipc_wakeup_drain(wfd);
                continue;
            }
            Registered r = lookup(token);
            if (r == null) {
                continue; // closed earlier in this batch
            }
            try {
                r.owner.onReady(ready);
            } catch (Throwable t) {
                log(System.Logger.Level.ERROR, "unexpected failure handling " + r + ": " + t);
                r.owner.onFailure(t);
            }
        }
        return n > 0;
    }

    @Override
    protected void wakeup() {
        synchronized (wakeLock) {
            if (!released) {
                NativeIo.LIB.jipc_wakeup_signal(wfd);
            }
        }
    }

    @Override
    protected void releaseLoop() {
        synchronized (wakeLock) {
            released = true;
            NativeIo.close(wfd);
        }
        NativeIo.close(pfd);
    }

    // ---- registration (I/O thread) ----

    /** What a registered socket's events go to. */
    private interface Polled {
        /** @param ready the ready events ({@code POLL_IN}, {@code POLL_OUT} and error bits) */
        void onReady(int ready);

        /** @param t what a handler threw while this socket's events were handled */
        default void onFailure(Throwable t) {
            // listeners and datagram sockets stay open; channels close
        }
    }

    /** A socket known to the poller: its descriptor, token and interest; its events go to its owner. */
    private final class Registered implements LoopSocket.Handle {
        final Polled owner;
        int fd = -1;
        long token;
        int interest;

        Registered(Polled owner) {
            this.owner = owner;
        }

        Registered(Polled owner, int fd) {
            this.owner = owner;
            this.fd = fd;
        }

        @Override
        public void register() throws IOException {
            NativeTransport.this.register(this, POLL_IN);
        }

        @Override
        public void release() {
            unregister(this);
        }

        @Override
        public void close() {
            NativeIo.close(fd);
            fd = -1;
        }

        /** @return true while waiting for the socket to become writable */
        boolean writeBlocked() {
            return (interest & POLL_OUT) != 0;
        }

        /**
         * @param on true to wait for writability too (reads stay on)
         * @throws IOException when the poller refuses the change
         */
        void setWriteBlocked(boolean on) throws IOException {
            interest(this, on ? POLL_IN | POLL_OUT : POLL_IN);
        }

        @Override
        public String toString() {
            return owner.toString();
        }
    }

    private void register(Registered r, int interest) throws IOException {
        int index;
        if (freeCount > 0) {
            index = freeSlots[--freeCount];
        } else {
            if (nextSlot == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
                freeSlots = Arrays.copyOf(freeSlots, slots.length);
            }
            index = nextSlot++;
        }
        generation = (generation + 1) & 0x7fffffff;
        long token = ((long) generation << 32) | index;
        try {
            NativeIo.pollCtl(pfd, NativeIo.CTL_ADD, r.fd, interest, token);
        } catch (IOException e) {
            freeSlots[freeCount++] = index;
            throw e;
        }
        r.token = token;
        r.interest = interest;
        slots[index] = r;
    }

    private void interest(Registered r, int interest) throws IOException {
        if (r.interest != interest) {
            NativeIo.pollCtl(pfd, NativeIo.CTL_MOD, r.fd, interest, r.token);
            r.interest = interest;
        }
    }

    private Registered lookup(long token) {
        int index = (int) token;
        if (index < 0 || index >= nextSlot) {
            return null;
        }
        Registered r = slots[index];
        return r != null && r.token == token ? r : null;
    }

    /** Stops polling a socket and closes it. */
    private void unregister(Registered r) {
        if (r.fd < 0) {
            return;
        }
        Registered cur = lookup(r.token);
        if (cur == r) {
            NativeIo.LIB.jipc_poll_ctl(pfd, NativeIo.CTL_DEL, r.fd, 0, 0);
            int index = (int) r.token;
            slots[index] = null;
            freeSlots[freeCount++] = index;
        }
        NativeIo.close(r.fd);
        r.fd = -1;
    }

    /** Set-up calls on a new socket, before the loop knows it. */
    @FunctionalInterface
    private interface SetUp<T> {
        T run() throws IOException;
    }

    /**
     * Runs the set-up calls of a new socket (bind and the like); closes the socket when one fails.
     *
     * @param fd the socket
     * @param setUp the calls
     * @return what they return (the bound address)
     * @throws IOException what a call threw
     */
    private static <T> T setUp(int fd, SetUp<T> setUp) throws IOException {
        try {
            return setUp.run();
        } catch (IOException | RuntimeException e) {
            NativeIo.close(fd);
            throw e;
        }
    }

    // ---- listeners ----

    @Override
    public Listener listen(SocketAddress address, int backlog, AcceptHandler handler, BindHook afterBind)
            throws IOException {
        ByteBuffer a = NativeAddress.allocate();
        Pointer ap = NativeIo.pointer(a);
        NativeAddress.write(address, a);
        String where = Addresses.describe(address);
        int fd = NativeIo.socket(NativeAddress.family(address), STREAM);
        SocketAddress local = setUp(fd, () -> {
            if (!(address instanceof UnixDomainSocketAddress)) {
                NativeIo.check("setsockopt(SO_REUSEADDR)", NativeIo.LIB.jipc_set_reuseaddr(fd, 1), where);
            }
            NativeIo.check("bind", NativeIo.LIB.jipc_bind(fd, ap), where);
            NativeIo.check("listen", NativeIo.LIB.jipc_listen(fd, backlog), where);
            NativeIo.check("getsockname", NativeIo.LIB.jipc_local_addr(fd, ap), where);
            SocketAddress bound = address instanceof UnixDomainSocketAddress ? address : NativeAddress.read(a, 0);
            if (afterBind != null) {
                afterBind.bound(bound);
            }
            return bound;
        });
        NativeListener listener = new NativeListener(fd, local, handler);
        listener.start();
        return listener;
    }

    private final class NativeListener extends LoopListener implements Polled {
        private final Registered reg;
        private final boolean unix;

        NativeListener(int fd, SocketAddress local, AcceptHandler handler) {
            super(NativeTransport.this, local, handler);
            this.reg = new Registered(this, fd);
            this.unix = local instanceof UnixDomainSocketAddress;
        }

        @Override
        protected LoopSocket.Handle handle() {
            return reg;
        }

        @Override
        protected void setAccepting(boolean on) throws IOException {
            interest(reg, on ? POLL_IN : 0);
        }

        @Override
        public void onReady(int ready) {
            for (int i = 0; i < MAX_ACCEPTS_PER_TURN && isOpen(); i++) {
                int c = NativeIo.LIB.jipc_accept(reg.fd, addrPtr);
                if (c < 0) {
                    if (-c == NativeIo.EAGAIN) {
                        return;
                    }
                    acceptFailed(NativeIo.error("accept", -c, Addresses.describe(localAddress())));
                    return;
                }
                SocketAddress peer = unix ? UnixDomainSocketAddress.of("") : NativeAddress.read(addr, 0);
                NativeChannel ch = new NativeChannel(null, peer, unix);
                try {
                    ch.adopt(c);
                } catch (IOException e) {
                    NativeIo.close(c);
                    handler.onAcceptError(e);
                    continue;
                }
                ch.accepted(handler);
            }
        }
    }

    // ---- stream channels ----

    @Override
    public io.jipc.internal.transport.Channel connect(SocketAddress remote, SocketAddress local,
            ChannelHandler handler) {
        NativeChannel c = new NativeChannel(handler, remote, remote instanceof UnixDomainSocketAddress);
        c.connect(local);
        return c;
    }

    private final class NativeChannel extends LoopChannel implements Polled {
        private final Registered reg = new Registered(this);
        private final boolean unix;
        private boolean connecting;

        NativeChannel(ChannelHandler handler, SocketAddress remote, boolean unix) {
            super(NativeTransport.this, writer, handler, remote);
            this.unix = unix;
        }

        void accepted(AcceptHandler by) {
            handler = by.onAccept(this);
            finishOpen();
        }

        void adopt(int fd) throws IOException {
            reg.fd = fd;
            if (!unix) {
                NativeIo.check("setsockopt(TCP_NODELAY)", NativeIo.LIB.jipc_set_tcp_nodelay(fd, 1), null);
            } else if (NativeIo.LIB.jipc_peer_cred(fd, credPtr) == 0) {
                credentials = new io.jipc.PeerCredentials(cred.getInt(0), cred.getInt(4), cred.getInt(8));
            }
            register(reg, POLL_IN);
            channels.add(this);
        }

        @Override
        protected void openAndConnect(SocketAddress target, SocketAddress local) throws IOException {
            String where = Addresses.describe(target);
            reg.fd = NativeIo.socket(NativeAddress.family(target), STREAM);
            channels.add(this);
            if (!unix) {
                NativeIo.check("setsockopt(TCP_NODELAY)", NativeIo.LIB.jipc_set_tcp_nodelay(reg.fd, 1), where);
            }
            if (local != null) {
                NativeAddress.write(local, addr);
                NativeIo.check("bind", NativeIo.LIB.jipc_bind(reg.fd, addrPtr), Addresses.describe(local));
            }
            NativeAddress.write(target, addr);
            int rc = NativeIo.check("connect", NativeIo.LIB.jipc_connect(reg.fd, addrPtr), where);
            if (rc == 0) {
                register(reg, POLL_IN);
                finishOpen();
            } else {
                connecting = true;
                register(reg, POLL_OUT);
            }
        }

        @Override
        public void onFailure(Throwable t) {
            close(t);
        }

        @Override
        public void onReady(int ready) {
            if (connecting) {
                int rc = NativeIo.LIB.jipc_connect_result(reg.fd);
                if (rc < 0) {
                    close(NativeIo.error("connect", -rc, Addresses.describe(remote)));
                    return;
                }
                connecting = false;
                try {
                    interest(reg, POLL_IN);
                } catch (IOException e) {
                    close(e);
                    return;
                }
                finishOpen();
                return;
            }
            if ((ready & POLL_OUT) != 0) {
                onWritable();
            }
            if (isOpen() && (ready & ~POLL_OUT) != 0) {
                doRead();
            }
        }

        private void doRead() {
            ByteBuffer buf = readBuffer;
            for (int i = 0; i < MAX_READS_PER_TURN && isOpen(); i++) {
                long n = NativeIo.LIB.jipc_read(reg.fd, readPtr, READ_BUFFER_BYTES);
                if (n < 0) {
                    if (-n != NativeIo.EAGAIN) {
                        close(NativeIo.error("read", (int) -n, null));
                    }
                    return;
                }
                if (n == 0) {
                    close(null);
                    return;
                }
                buf.clear().limit((int) n);
                handler.onData(buf);
                if (n < READ_BUFFER_BYTES) {
                    return;
                }
            }
        }

        @Override
        protected void kernelWrite(ByteBuffer out) throws IOException {
            // the write buffer is always written from its start (FrameWriter.fill flips it)
            long n = NativeIo.LIB.jipc_write(reg.fd, writePtr, out.remaining());
            if (n < 0) {
                if (-n == NativeIo.EAGAIN) {
                    return;
                }
                throw NativeIo.error("write", (int) -n, null);
            }
            out.position((int) n);
        }

        @Override
        protected boolean writeBlocked() {
            return reg.writeBlocked();
        }

        @Override
        protected void setWriteBlocked(boolean on) {
            try {
                reg.setWriteBlocked(on);
            } catch (IOException e) {
                close(e);
            }
        }

        @Override
        protected void release() {
            unregister(reg);
            channels.remove(this);
        }
    }

    // ---- datagrams ----

    /** Direct memory for batched datagrams, made on the I/O thread when a UDP socket first receives or sends. */
    private static final class DatagramBuffers {
        final ByteBuffer data = ByteBuffer.allocateDirect(DATAGRAM_BATCH * DATAGRAM_SLOT_BYTES);
        final Pointer dataPtr = NativeIo.pointer(data);
        final ByteBuffer addrs = ByteBuffer.allocateDirect(DATAGRAM_BATCH * NativeAddress.SIZE)
                .order(ByteOrder.nativeOrder());
        final Pointer addrsPtr = NativeIo.pointer(addrs);
        final ByteBuffer lens = ByteBuffer.allocateDirect(DATAGRAM_BATCH * 4).order(ByteOrder.nativeOrder());
        final Pointer lensPtr = NativeIo.pointer(lens);
        /** Heap, so the decoder can scan whole datagrams in place. */
        final ByteBuffer heap = ByteBuffer.allocate(DATAGRAM_SLOT_BYTES);
        final ByteBuffer one = NativeAddress.allocate();
    }

    @Override
    public DatagramEndpoint bindDatagram(InetSocketAddress local, ProtocolFamily family, DatagramHandler handler)
            throws IOException {
        ByteBuffer a = NativeAddress.allocate();
        Pointer ap = NativeIo.pointer(a);
        InetSocketAddress bindTo = local;
        // NIO binds an INET6 socket to an IPv4 wildcard as ::, so do the same here
        if (family == StandardProtocolFamily.INET6 && !(local.getAddress() instanceof java.net.Inet6Address)) {
            bindTo = new InetSocketAddress(java.net.InetAddress.getByName("::"), local.getPort());
        }
        NativeAddress.write(bindTo, a);
        int fd = NativeIo.socket(family == StandardProtocolFamily.INET6 ? NativeAddress.AF_INET6
                : NativeAddress.AF_INET, DGRAM);
        InetSocketAddress bound = setUp(fd, () -> {
            NativeIo.check("bind", NativeIo.LIB.jipc_bind(fd, ap), Addresses.describe(local));
            NativeIo.check("getsockname", NativeIo.LIB.jipc_local_addr(fd, ap), Addresses.describe(local));
            return NativeAddress.readInet(a, 0);
        });
        NativeDatagram d = new NativeDatagram(fd, bound, handler);
        d.start();
        return d;
    }

    /**
     * A UDP socket: receives up to {@link #DATAGRAM_BATCH} datagrams per {@code recvmmsg}, sends queued datagrams at
     * the end of the turn (or when writable again) up to {@link #DATAGRAM_BATCH} per {@code sendmmsg}.
     */
    private final class NativeDatagram extends LoopDatagram implements Polled {
        private final Registered reg;
        private final DatagramQueue.Pending[] batch = new DatagramQueue.Pending[DATAGRAM_BATCH];

        NativeDatagram(int fd, InetSocketAddress local, DatagramHandler handler) {
            super(NativeTransport.this, local, handler);
            this.reg = new Registered(this, fd);
        }

        @Override
        protected LoopSocket.Handle handle() {
            return reg;
        }

        @Override
        public void onReady(int ready) {
            onReady((ready & POLL_OUT) != 0, (ready & ~POLL_OUT) != 0);
        }

        /** @return the loop's datagram buffers, made on the I/O thread when a UDP socket first needs them */
        private DatagramBuffers buffers() {
            if (datagramBuffers == null) {
                datagramBuffers = new DatagramBuffers();
            }
            return datagramBuffers;
        }

        @Override
        protected void receive() {
            DatagramBuffers b = buffers();
            int n = NativeIo.LIB.jipc_recvmmsg(reg.fd, b.dataPtr, DATAGRAM_SLOT_BYTES, b.addrsPtr, b.lensPtr,
                    DATAGRAM_BATCH);
            if (n < 0) {
                if (-n != NativeIo.EAGAIN) {
                    handler.onReceiveError(NativeIo.error("recvmmsg", -n, Addresses.describe(localAddress())));
                }
                return;
            }
            for (int i = 0; i < n && isOpen(); i++) {
                int len = b.lens.getInt(i * 4);
                InetSocketAddress from = NativeAddress.readInet(b.addrs, i * NativeAddress.SIZE);
                if (len < 0) {
                    handler.onReceiveError(NativeIo.error("recvmmsg", -len, "from " + Addresses.describe(from)));
                    continue;
                }
                ByteBuffer heap = b.heap;
                heap.clear();
                heap.put(0, b.data, i * DATAGRAM_SLOT_BYTES, len);
                heap.limit(len);
                handler.onDatagram(heap, from);
            }
        }

        /** Sends one batch of up to {@link #DATAGRAM_BATCH} queued datagrams in one {@code sendmmsg}. */
        @Override
        protected Sent sendSome() {
            DatagramBuffers b = buffers();
            int count = 0;
            int off = 0;
            DatagramQueue.Pending p;
            while (count < DATAGRAM_BATCH && (p = outbound.peek()) != null) {
                int len = p.buf.remaining();
                if (len > DATAGRAM_SLOT_BYTES || p.target.isUnresolved()) {
                    if (count > 0) {
                        break; // send the batch first; this one fails alone next round
                    }
                    outbound.poll();
                    fail(p, p.target.isUnresolved() ? new IOException("unresolved address")
                            : new NativeIoException("sendmmsg", NativeIo.EMSGSIZE, "sendmmsg: "
                                    + NativeIo.message(NativeIo.EMSGSIZE)));
                    continue;
                }
                if (off + len > b.data.capacity()) {
                    break;
                }
                try {
                    NativeAddress.write(p.target, b.one);
                } catch (IOException e) {
                    outbound.poll();
                    fail(p, e);
                    continue;
                }
                b.addrs.put(count * NativeAddress.SIZE, b.one, 0, NativeAddress.SIZE);
                b.data.put(off, p.buf, p.buf.position(), len);
                b.lens.putInt(count * 4, len);
                off += len;
                batch[count++] = outbound.poll();
            }
            if (count == 0) {
                return Sent.NONE;
            }
            int sent = NativeIo.LIB.jipc_sendmmsg(reg.fd, b.dataPtr, b.lensPtr, b.addrsPtr, count);
            if (sent < 0 && -sent == NativeIo.EAGAIN) {
                requeue(0, count);
                return Sent.BLOCKED;
            }
            if (sent < 0) {
                // the first datagram failed: it alone fails, the rest go round again
                fail(batch[0], NativeIo.error("sendmmsg", -sent, "to " + Addresses.describe(batch[0].target)));
                sent = 1;
            } else {
                for (int i = 0; i < sent; i++) {
                    DatagramQueue.sent(batch[i]);
                }
            }
            requeue(sent, count);
            return Sent.SOME;
        }

        /** Fails one datagram: {@code EMSGSIZE} when the errno says it is too big, else {@code EIO}. */
        private void fail(DatagramQueue.Pending p, Throwable cause) {
            outbound.fail(p, cause, cause instanceof OsError && IpcException.EMSGSIZE.equals(((OsError) cause).code()));
        }

        /** Puts batch[from..count) back at the head of the queue, in order. */
        private void requeue(int from, int count) {
            outbound.requeue(Arrays.asList(batch).subList(from, count));
            Arrays.fill(batch, 0, count, null);
        }

        @Override
        protected boolean writeBlocked() {
            return reg.writeBlocked();
        }

        @Override
        protected void setWriteBlocked(boolean on) throws IOException {
            reg.setWriteBlocked(on);
        }
    }
}
