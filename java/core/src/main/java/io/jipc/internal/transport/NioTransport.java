package io.jipc.internal.transport;

import io.jipc.IpcException;
import io.jipc.internal.loop.Cancellable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pure-JDK transport: one thread running a {@link Selector} over Unix-domain and TCP socket channels.
 *
 * <p>Each loop turn: select (or selectNow when tasks wait), handle ready keys (accept, connect, read into one shared
 * direct buffer, write), run queued tasks, run due timers, then flush every channel that was written to during the
 * turn with one gathering write each. Writes from other threads enqueue and wake the selector at most once per turn.
 */
public final class NioTransport implements Transport, Runnable {
    private static final System.Logger LOG = System.getLogger("io.jipc.transport");
    /** Most frames taken from a channel's queue per write. */
    private static final int IOV_MAX = 1024;
    private static final int READ_BUFFER_BYTES = 256 * 1024;
    private static final int WRITE_BUFFER_BYTES = 256 * 1024;
    private static final int MAX_READS_PER_TURN = 16;
    private static final int MAX_ACCEPTS_PER_TURN = 64;
    private static final int MAX_DATAGRAMS_PER_TURN = 64;
    /** Largest UDP payload over IPv6 (65535 - 8); IPv4's is smaller, so one buffer fits both. */
    private static final int DATAGRAM_BUFFER_BYTES = 64 * 1024;
    private static final long ACCEPT_PAUSE_MS = 100;
    private static final AtomicLong THREAD_IDS = new AtomicLong();

    private final Selector selector;
    private final Thread thread;
    private final boolean silent;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupArmed = new AtomicBoolean();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ArrayDeque<Flushable> flushQueue = new ArrayDeque<>();
    private final Set<NioChannel> channels = new HashSet<>();
    private final Set<NioListener> listeners = new HashSet<>();
    private final Set<NioDatagram> datagrams = new HashSet<>();
    /** Heap, so the decoder can scan whole datagrams in place (the JDK copies from its own direct buffer). */
    private final ByteBuffer datagramBuffer = ByteBuffer.allocate(DATAGRAM_BUFFER_BYTES);
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private final PendingWrite[] copiedFrames = new PendingWrite[IOV_MAX];
    private final int[] copiedBytes = new int[IOV_MAX];
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean shuttingDown;
    private long timerSeq;

    private NioTransport(String name, boolean silent) throws IOException {
        this.selector = Selector.open();
        this.silent = silent;
        this.thread = new Thread(this, name + "-" + THREAD_IDS.incrementAndGet());
    }

    /**
     * Opens a selector and starts the I/O thread.
     *
     * @param name thread name prefix
     * @param silent true to suppress log output
     * @return the running transport
     */
    public static NioTransport start(String name, boolean silent) {
        try {
            NioTransport t = new NioTransport(name, silent);
            t.thread.start();
            return t;
        } catch (IOException e) {
            throw new IpcException("EIO", "cannot open a selector for the jipc I/O thread: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (wakeupArmed.getAndSet(false)) {
            selector.wakeup();
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        Timer t = new Timer(System.nanoTime() + unit.toNanos(delay), task);
        if (inLoop()) {
            t.seq = timerSeq++;
            timers.add(t);
        } else {
            execute(() -> {
                t.seq = timerSeq++;
                timers.add(t);
            });
        }
        return t;
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
        runAndWait(listener::register);
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
        runAndWait(d::register);
        return d;
    }

    @Override
    public Channel connect(SocketAddress remote, SocketAddress local, ChannelHandler handler) {
        NioChannel c = new NioChannel(handler, remote);
        // always deferred, so the caller holds the channel before any handler callback arrives
        execute(() -> c.startConnect(local));
        return c;
    }

    private void runAndWait(Runnable task) throws IOException {
        if (inLoop()) {
            task.run();
            return;
        }
        if (shuttingDown) {
            throw new IOException("the jipc I/O thread is shut down");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the jipc I/O thread did not answer within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the jipc I/O thread", e);
        }
    }

    @Override
    public void close() {
        if (!shuttingDown) {
            shuttingDown = true;
            execute(() -> {
                for (NioListener l : new ArrayList<>(listeners)) {
                    l.close();
                }
                for (NioChannel c : new ArrayList<>(channels)) {
                    c.close(null);
                }
                for (NioDatagram d : new ArrayList<>(datagrams)) {
                    d.close();
                }
            });
        }
        if (!inLoop()) {
            try {
                terminated.get(30, TimeUnit.SECONDS);
                // terminated completes in the loop's finally block: wait for the thread itself to end too, so that
                // close() returning means no jipc-io thread is left (what the thread-count checks rely on)
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log(System.Logger.Level.WARNING, "jipc I/O thread did not stop within 30 s");
            }
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                long timeoutMs = nextTimerDelayMs();
                wakeupArmed.set(true);
                if (!tasks.isEmpty() || shuttingDown) {
                    wakeupArmed.set(false);
                    selector.selectNow(this::onReady);
                } else if (timeoutMs < 0) {
                    selector.select(this::onReady);
                } else {
                    selector.select(this::onReady, Math.max(1, timeoutMs));
                }
                wakeupArmed.set(false);
                runTasks();
                runTimers();
                flushAll();
                if (shuttingDown && tasks.isEmpty() && channels.isEmpty() && listeners.isEmpty() && datagrams.isEmpty()) {
                    break;
                }
            }
        } catch (Throwable t) {
            log(System.Logger.Level.ERROR, "jipc I/O thread failed: " + t);
        } finally {
            closeQuietly(selector);
            terminated.complete(null);
        }
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

    private void runTasks() {
        // run at most what is queued now, so tasks that queue tasks cannot starve I/O
        int n = tasks.size();
        for (int i = 0; i < n; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                break;
            }
            try {
                r.run();
            } catch (Throwable t) {
                log(System.Logger.Level.ERROR, "jipc task failed: " + t);
            }
        }
    }

    private long nextTimerDelayMs() {
        Timer t;
        while ((t = timers.peek()) != null && t.cancelled) {
            timers.poll();
        }
        if (t == null) {
            return -1;
        }
        long ns = t.deadline - System.nanoTime();
        return ns <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(ns + 999_999);
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && (t.cancelled || t.deadline - now <= 0)) {
            timers.poll();
            if (!t.cancelled) {
                t.cancelled = true;
                try {
                    t.task.run();
                } catch (Throwable e) {
                    log(System.Logger.Level.ERROR, "jipc timer task failed: " + e);
                }
            }
        }
    }

    /** Queues a channel for the end-of-turn flush unless a flush is already pending for it. */
    private void requestFlush(Flushable channel, AtomicBoolean scheduled) {
        if (scheduled.compareAndSet(false, true)) {
            if (inLoop()) {
                flushQueue.add(channel);
            } else {
                execute(() -> flushQueue.add(channel));
            }
        }
    }

    private void flushAll() {
        Flushable c;
        while ((c = flushQueue.poll()) != null) {
            c.flush();
        }
    }

    private void log(System.Logger.Level level, String msg) {
        if (!silent) {
            LOG.log(level, msg);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with the error
        }
    }

    private static final class Timer implements Cancellable, Comparable<Timer> {
        final long deadline;
        final Runnable task;
        long seq;
        volatile boolean cancelled;

        Timer(long deadline, Runnable task) {
            this.deadline = deadline;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }


    private final class NioListener implements Listener {
        private final ServerSocketChannel ssc;
        private final AcceptHandler handler;
        private final SocketAddress local;
        private SelectionKey key;
        private boolean closed;

        NioListener(ServerSocketChannel ssc, AcceptHandler handler) throws IOException {
            this.ssc = ssc;
            this.handler = handler;
            this.local = ssc.getLocalAddress();
        }

        void register() {
            try {
                key = ssc.register(selector, SelectionKey.OP_ACCEPT, this);
                listeners.add(this);
            } catch (IOException e) {
                closeQuietly(ssc);
                throw new IpcException("EIO", "cannot register listener " + local + ": " + e.getMessage(), e);
            }
        }

        @Override
        public SocketAddress localAddress() {
            return local;
        }

        void onAcceptable() {
            for (int i = 0; i < MAX_ACCEPTS_PER_TURN && !closed; i++) {
                SocketChannel sc;
                try {
                    sc = ssc.accept();
                } catch (IOException e) {
                    // typically EMFILE: stop accepting for a moment instead of spinning on a ready key
                    key.interestOps(0);
                    schedule(() -> {
                        if (!closed && key.isValid()) {
                            key.interestOps(SelectionKey.OP_ACCEPT);
                        }
                    }, ACCEPT_PAUSE_MS, TimeUnit.MILLISECONDS);
                    handler.onAcceptError(e);
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
                ChannelHandler h = handler.onAccept(c);
                c.handler = h;
                c.connected = true;
                h.onOpen(c);
            }
        }

        @Override
        public void close() {
            if (!inLoop()) {
                try {
                    runAndWait(this::close);
                } catch (IOException e) {
                    closeQuietly(ssc);
                }
                return;
            }
            if (closed) {
                return;
            }
            closed = true;
            if (key != null) {
                key.cancel();
            }
            closeQuietly(ssc);
            listeners.remove(this);
        }

        @Override
        public String toString() {
            return "listener " + local;
        }
    }

    /** Something with queued output, flushed at the end of the loop turn. */
    private interface Flushable {
        void flush();
    }

    private static final class OutDatagram {
        final ByteBuffer buf;
        final InetSocketAddress target;
        final CompletableFuture<Void> promise;

        OutDatagram(ByteBuffer buf, InetSocketAddress target, CompletableFuture<Void> promise) {
            this.buf = buf;
            this.target = target;
            this.promise = promise;
        }
    }

    /**
     * A UDP socket on the loop: receives up to {@link #MAX_DATAGRAMS_PER_TURN} datagrams per turn into the shared
     * 64 KiB buffer, and sends queued datagrams at the end of the turn (or when writable again after the kernel's
     * send buffer was full), one {@code send} per datagram.
     */
    private final class NioDatagram implements DatagramEndpoint, Flushable {
        private final DatagramChannel dc;
        private final DatagramHandler handler;
        private final InetSocketAddress local;
        private final ConcurrentLinkedQueue<OutDatagram> outbound = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean flushScheduled = new AtomicBoolean();
        private SelectionKey key;
        private volatile boolean open = true;

        NioDatagram(DatagramChannel dc, DatagramHandler handler) throws IOException {
            this.dc = dc;
            this.handler = handler;
            this.local = (InetSocketAddress) dc.getLocalAddress();
        }

        void register() {
            try {
                key = dc.register(selector, SelectionKey.OP_READ, this);
                datagrams.add(this);
            } catch (IOException e) {
                closeQuietly(dc);
                throw new IpcException("EIO", "cannot register datagram socket " + local + ": " + e.getMessage(), e);
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        void onReady(SelectionKey k) {
            int ready = k.readyOps();
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                k.interestOps(SelectionKey.OP_READ);
                doFlush();
            }
            if (open && (ready & SelectionKey.OP_READ) != 0) {
                doReceive();
            }
        }

        private void doReceive() {
            ByteBuffer buf = datagramBuffer;
            for (int i = 0; i < MAX_DATAGRAMS_PER_TURN && open; i++) {
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
        public void send(ByteBuffer datagram, InetSocketAddress target, CompletableFuture<Void> promise) {
            if (!open) {
                failSend(promise, target, null);
                return;
            }
            outbound.add(new OutDatagram(datagram, target, promise));
            if (!open) {
                failQueued();
                return;
            }
            requestFlush(this, flushScheduled);
        }

        @Override
        public void flush() {
            if (!open || (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                return; // waiting for OP_WRITE: that path sends
            }
            doFlush();
        }

        /** Sends queued datagrams until the queue is empty or the kernel's send buffer is full. */
        private void doFlush() {
            while (open) {
                OutDatagram p = outbound.peek();
                if (p == null) {
                    flushScheduled.set(false);
                    if (!outbound.isEmpty() && flushScheduled.compareAndSet(false, true)) {
                        continue; // a sender raced with the reset
                    }
                    return;
                }
                int sent;
                try {
                    sent = dc.send(p.buf, p.target);
                } catch (IOException | RuntimeException e) {
                    outbound.poll();
                    failSend(p.promise, p.target, e);
                    continue;
                }
                if (sent == 0 && p.buf.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                outbound.poll();
                if (p.promise != null) {
                    p.promise.complete(null);
                }
            }
        }

        private void failQueued() {
            OutDatagram p;
            while ((p = outbound.poll()) != null) {
                failSend(p.promise, p.target, null);
            }
        }

        private void failSend(CompletableFuture<Void> promise, InetSocketAddress target, Throwable cause) {
            if (promise == null) {
                return;
            }
            if (cause == null) {
                promise.completeExceptionally(new IpcException("ECLOSED", "send to " + target
                        + ": the UDP socket " + local + " closed before the datagram was sent"));
                return;
            }
            String msg = String.valueOf(cause.getMessage());
            boolean tooBig = msg.toLowerCase(java.util.Locale.ROOT).contains("too long");
            promise.completeExceptionally(new IpcException(tooBig ? "EMSGSIZE" : "EIO", "send to " + target
                    + " from " + local + ": " + (cause instanceof RuntimeException && cause.getMessage() == null
                    ? cause.getClass().getSimpleName() : msg), cause));
        }

        @Override
        public void close() {
            if (!inLoop()) {
                try {
                    runAndWait(this::close);
                } catch (IOException e) {
                    open = false;
                    closeQuietly(dc);
                }
                return;
            }
            if (!open) {
                return;
            }
            open = false;
            if (key != null) {
                key.cancel();
            }
            closeQuietly(dc);
            datagrams.remove(this);
            failQueued();
        }

        @Override
        public String toString() {
            return "datagram socket " + local;
        }
    }

    private final class NioChannel extends QueuedChannel implements Flushable {
        private final AtomicBoolean flushScheduled = new AtomicBoolean();
        /** Frames taken from {@link #outbound} for a write (some bytes copied): no longer droppable. */
        private final ArrayDeque<PendingWrite> inflight = new ArrayDeque<>();
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private ChannelHandler handler;
        private SocketChannel ch;
        private SelectionKey key;
        private volatile SocketAddress remote;
        private volatile boolean connected;
        private volatile boolean open = true;
        private boolean closeWhenDrained;
        private Cancellable drainTimer;

        NioChannel(ChannelHandler handler, SocketAddress remote) {
            this.handler = handler;
            this.remote = remote;
        }

        void adopt(SocketChannel sc) throws IOException {
            ch = sc;
            sc.configureBlocking(false);
            if (!(sc.getLocalAddress() instanceof UnixDomainSocketAddress)) {
                sc.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            remote = sc.getRemoteAddress();
            key = sc.register(selector, SelectionKey.OP_READ, this);
            channels.add(this);
        }

        void startConnect(SocketAddress local) {
            if (!open) {
                return;
            }
            if (shuttingDown) {
                close(new IOException("the jipc I/O thread is shutting down"));
                return;
            }
            try {
                SocketAddress target = remote;
                if (target instanceof InetSocketAddress && ((InetSocketAddress) target).isUnresolved()) {
                    InetSocketAddress u = (InetSocketAddress) target;
                    target = new InetSocketAddress(u.getHostString(), u.getPort());
                    if (((InetSocketAddress) target).isUnresolved()) {
                        throw new java.net.UnknownHostException(u.getHostString());
                    }
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
                if (ch.connect(target)) {
                    finishOpen();
                } else {
                    key.interestOps(SelectionKey.OP_CONNECT);
                }
            } catch (IOException e) {
                close(e);
            }
        }

        private void finishOpen() {
            connected = true;
            key.interestOps(SelectionKey.OP_READ);
            handler.onOpen(this);
            if (open) {
                flush();
            }
        }

        void onReady(SelectionKey k) {
            int ready = k.readyOps();
            if ((ready & SelectionKey.OP_CONNECT) != 0) {
                try {
                    if (ch.finishConnect()) {
                        finishOpen();
                    }
                } catch (IOException e) {
                    close(e);
                }
                return;
            }
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                doWrite();
            }
            if (open && (ready & SelectionKey.OP_READ) != 0) {
                doRead();
            }
        }

        private void doRead() {
            ByteBuffer buf = readBuffer;
            for (int i = 0; i < MAX_READS_PER_TURN && open; i++) {
                buf.clear();
                int n;
                try {
                    n = ch.read(buf);
                } catch (IOException e) {
                    close(e);
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

        /**
         * Writes what is queued. {@code flushScheduled} stays set while this channel has a flush pending (queued, not
         * yet connected, or waiting for OP_WRITE), so writers from other threads enqueue without waking the loop.
         */
        @Override
        public void flush() {
            if (!open || !connected || (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                return; // connecting (finishOpen flushes) or waiting for OP_WRITE (that path writes)
            }
            doWrite();
        }

        /**
         * Copies queued frames into the loop's direct write buffer and writes it, until the queue is empty or the
         * kernel buffer is full. Each write holds whole frames (or the chunks of one frame larger than the buffer),
         * so unless the kernel takes only part of it, every write ends on a frame boundary. One copy into one direct buffer is cheaper than a gathering write of heap buffers,
         * for which the JDK copies each into a temporary direct buffer of its own (and allocates beyond its small
         * cache), and it caps how much a single huge frame pins in direct memory.
         */
        private void doWrite() {
            ByteBuffer out = writeBuffer;
            while (open) {
                out.clear();
                int copied = 0;
                boolean full = false;
                for (PendingWrite q : inflight) {
                    if (copied == IOV_MAX || (copied > 0 && q.buf.remaining() > out.remaining())) {
                        full = true; // end this write on a frame boundary (node-ipc <= 12 parses only then)
                        break;
                    }
                    copied = copyIn(q, out, copied);
                }
                // frames are taken from the queue only as they are copied, so the rest stay droppable (DROP_OLDEST)
                PendingWrite p;
                while (!full && copied < IOV_MAX && (p = outbound.peek()) != null) {
                    if (copied > 0 && p.buf.remaining() > out.remaining()) {
                        break;
                    }
                    p = outbound.poll(); // dropQueued may have taken the peeked one meanwhile
                    if (p == null) {
                        break;
                    }
                    inflight.add(p);
                    if (copied > 0 && p.buf.remaining() > out.remaining()) {
                        break; // a larger one than peeked: it starts the next write
                    }
                    copied = copyIn(p, out, copied);
                }
                out.flip();
                if (!out.hasRemaining()) {
                    completeWritten(); // zero-length writes
                    if ((key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    flushScheduled.set(false);
                    if (!outbound.isEmpty() && flushScheduled.compareAndSet(false, true)) {
                        continue; // a writer raced with the reset: go round again
                    }
                    if (closeWhenDrained) {
                        close(null);
                    }
                    return;
                }
                try {
                    ch.write(out);
                } catch (IOException e) {
                    close(e);
                    return;
                }
                if (out.hasRemaining()) {
                    unconsume(out.remaining(), copied);
                } else {
                    java.util.Arrays.fill(copiedFrames, 0, copied, null);
                }
                completeWritten();
                if (out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
            }
        }

        /** Copies what fits of one frame into the write buffer (a frame larger than the buffer goes in chunks). */
        private int copyIn(PendingWrite q, ByteBuffer out, int copied) {
            ByteBuffer b = q.buf;
            int n = Math.min(out.remaining(), b.remaining());
            out.put(out.position(), b, b.position(), n);
            out.position(out.position() + n);
            b.position(b.position() + n);
            copiedFrames[copied] = q;
            copiedBytes[copied] = n;
            return copied + 1;
        }

        /** Gives back the bytes copied but not written: the tail of the copy, walking the copied frames backwards. */
        private void unconsume(int unwritten, int copied) {
            for (int i = copied - 1; i >= 0 && unwritten > 0; i--) {
                ByteBuffer b = copiedFrames[i].buf;
                int back = Math.min(unwritten, copiedBytes[i]);
                b.position(b.position() - back);
                unwritten -= back;
            }
            java.util.Arrays.fill(copiedFrames, 0, copied, null);
        }

        private void completeWritten() {
            while (!inflight.isEmpty() && !inflight.peekFirst().buf.hasRemaining()) {
                PendingWrite done = inflight.pollFirst();
                counter.release(done.size);
                if (done.promise != null) {
                    done.promise.complete(null);
                }
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public boolean isConnected() {
            return connected && open;
        }

        @Override
        public SocketAddress remoteAddress() {
            return remote;
        }

        @Override
        public CompletableFuture<Void> closeAfterFlush(long timeoutNanos) {
            closing = true;
            execute(() -> {
                if (!open) {
                    return;
                }
                closeWhenDrained = true;
                if (connected && inflight.isEmpty() && outbound.isEmpty()) {
                    close(null);
                    return;
                }
                drainTimer = schedule(() -> close(new IpcException("ETIMEDOUT", "closing " + remote
                        + ": queued data was not flushed within the flush timeout")), timeoutNanos,
                        TimeUnit.NANOSECONDS);
                if (connected) {
                    flush();
                }
            });
            return closed;
        }

        @Override
        public void close(Throwable cause) {
            if (!inLoop()) {
                execute(() -> close(cause));
                return;
            }
            if (closed.isDone()) {
                return;
            }
            open = false;
            if (key != null) {
                key.cancel();
            }
            if (ch != null) {
                closeQuietly(ch);
            }
            if (drainTimer != null) {
                drainTimer.cancel();
            }
            channels.remove(this);
            PendingWrite p;
            while ((p = inflight.poll()) != null) {
                counter.release(p.size);
                failWrite(p.promise, cause);
            }
            failQueued(cause);
            counter.close();
            closed.complete(null);
            if (handler != null) {
                handler.onClose(cause);
            }
        }

        @Override
        protected void scheduleFlush() {
            requestFlush(this, flushScheduled);
        }

        @Override
        protected void failQueued(Throwable cause) {
            PendingWrite p;
            while ((p = outbound.poll()) != null) {
                counter.release(p.size);
                failWrite(p.promise, cause);
            }
        }

        @Override
        protected void failWrite(CompletableFuture<Void> promise, Throwable cause) {
            if (promise != null) {
                String why = cause == null ? "" : ": " + cause.getMessage();
                promise.completeExceptionally(new IpcException("ECLOSED", "connection " + remote
                        + " closed before the data was written" + why, cause));
            }
        }

        @Override
        public String toString() {
            return "channel " + remote;
        }
    }
}
