import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Broadcast fan-out with Netty's native epoll Unix-domain server: the counterpart of {@code jipc bench broadcast}
 * (io.jipc.bench.Fanout), compiled and run by java/bench/suite.sh against the Netty jars built from
 * ../shared/bench/netty. Same measurement: one server event loop, N plain-NIO readers on one thread counting frames
 * by their 0x0C delimiter, the driver writing the same node-ipc JSON frame to every connection (ChannelGroup
 * writeAndFlush), never more than {@code window} frames ahead of the slowest reader; a warm-up of msgs / 5 first.
 *
 * <pre>java -cp 'classes:netty/target/lib/*' NettyBroadcast [clients=100] [msgs=200000] [size=64] [window=1024]</pre>
 */
public final class NettyBroadcast {
    private NettyBroadcast() {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long msgs = args.length > 1 ? Long.parseLong(args[1]) : 200_000L;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 1024;
        Path dir = Files.createTempDirectory("netty-bc");
        Path sock = dir.resolve("bc.sock");
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup worker = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ChannelGroup group = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        try {
            Channel server = new ServerBootstrap().group(boss, worker).channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<DomainSocketChannel>() {
                        @Override
                        protected void initChannel(DomainSocketChannel ch) {
                            group.add(ch);
                        }
                    }).bind(new DomainSocketAddress(sock.toString())).sync().channel();
            Readers readers = new Readers(sock, clients);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (group.size() < clients) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + group.size() + " connections accepted");
                }
                Thread.sleep(5);
            }
            String frameText = "{\"type\":\"message\",\"data\":\"" + "x".repeat(size) + "\"}\f";
            long done = flood(group, readers, frameText, Math.max(1, msgs / 5), 0, window);
            long start = System.nanoTime();
            flood(group, readers, frameText, msgs, done, window);
            double secs = (System.nanoTime() - start) / 1e9;
            int frame = frameText.getBytes(StandardCharsets.UTF_8).length;
            double deliveries = clients * (double) msgs / secs;
            System.out.println(String.format(Locale.ROOT,
                    "Netty-epoll broadcast uds clients=%d msgs=%d size=%d frame=%d window=%d (1 JVM): %.0f "
                            + "deliveries/s %.1f MB/s %.0f broadcasts/s",
                    clients, msgs, size, frame, window, deliveries, deliveries * frame / 1e6, msgs / secs));
            readers.close();
            server.close().sync();
        } finally {
            group.close().awaitUninterruptibly();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            worker.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    /** Encodes each broadcast's frame (as an application would) and writes it to every connection. */
    private static long flood(ChannelGroup group, Readers readers, String frameText, long n, long base, int window)
            throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (long i = 0; i < n; i++) {
            while (base + i - readers.min() >= window) {
                LockSupport.parkNanos(20_000); // park, not spin: the event loop needs the core
            }
            ByteBuf buf = Unpooled.wrappedBuffer(frameText.getBytes(StandardCharsets.UTF_8));
            group.writeAndFlush(buf).addListener(f -> {
                if (!f.isSuccess()) {
                    failed.compareAndSet(null, f.cause());
                }
            });
            if (failed.get() != null) {
                throw new IOException("a broadcast failed", failed.get());
            }
        }
        long target = base + n;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (readers.min() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("readers got " + readers.min() + " of " + target);
            }
            LockSupport.parkNanos(20_000);
        }
        return target;
    }

    /** N plain-NIO connections read by one thread, counting 0x0C bytes per connection. */
    static final class Readers {
        private final SocketChannel[] channels;
        private final long[] frames;
        private final Selector selector = Selector.open();
        private final Thread thread;
        private volatile long min;
        private volatile boolean stop;

        Readers(Path sock, int n) throws IOException {
            channels = new SocketChannel[n];
            frames = new long[n];
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(sock));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, i);
                channels[i] = ch;
            }
            thread = new Thread(this::loop, "readers");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
            byte[] bytes = new byte[buf.capacity()]; // scanned as an array: DirectByteBuffer.get(i) per byte is slow
            try {
                while (!stop) {
                    selector.select(100);
                    for (SelectionKey k : selector.selectedKeys()) {
                        int i = (Integer) k.attachment();
                        int r;
                        long c = 0;
                        while ((r = ((SocketChannel) k.channel()).read(buf.clear())) > 0) {
                            buf.flip().get(bytes, 0, r);
                            for (int j = 0; j < r; j++) {
                                if (bytes[j] == 0x0C) {
                                    c++;
                                }
                            }
                        }
                        frames[i] += c;
                        if (r < 0) {
                            throw new IOException("connection " + i + " closed by the server");
                        }
                    }
                    selector.selectedKeys().clear();
                    long m = Long.MAX_VALUE;
                    for (long f : frames) {
                        m = Math.min(m, f);
                    }
                    min = m;
                }
            } catch (IOException e) {
                e.printStackTrace();
                System.exit(1);
            }
        }

        long min() {
            return min;
        }

        void close() throws Exception {
            stop = true;
            thread.join(5000);
            for (SocketChannel ch : channels) {
                ch.close();
            }
            selector.close();
        }
    }
}
