package io.jipc.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain-NIO readers for the fan-out benchmarks: {@code n} connections served by one thread and one selector, each
 * counting the frames it receives by their delimiter byte. The same cheap consumer is used for every server measured,
 * so only the server side differs between runs.
 */
final class RawReaders implements AutoCloseable {
    private final SocketChannel[] channels;
    private final long[] frames;
    private final byte delimiter;
    private final Selector selector;
    private final Thread thread;
    private volatile long minFrames;
    private volatile long totalFrames;
    private volatile boolean stop;
    private volatile IOException failure;

    /**
     * Connects {@code n} channels (blocking connects, then non-blocking reads on one thread).
     *
     * @param address a UnixDomainSocketAddress or an InetSocketAddress
     * @param n connections
     * @param delimiter the frame delimiter byte counted
     * @throws IOException when a connect fails
     */
    RawReaders(SocketAddress address, int n, byte delimiter) throws IOException {
        this.channels = new SocketChannel[n];
        this.frames = new long[n];
        this.delimiter = delimiter;
        this.selector = Selector.open();
        try {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = address instanceof UnixDomainSocketAddress
                        ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
                channels[i] = ch;
                ch.connect(address);
                if (address instanceof InetSocketAddress) {
                    ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                }
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, i);
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        thread = new Thread(this::loop, "bench-readers");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        byte[] bytes = new byte[buf.capacity()]; // scanned as an array: DirectByteBuffer.get(i) per byte is slow
        byte d = delimiter;
        try {
            while (!stop) {
                selector.select(100);
                for (SelectionKey k : selector.selectedKeys()) {
                    int i = (Integer) k.attachment();
                    SocketChannel ch = (SocketChannel) k.channel();
                    long count = 0;
                    int r;
                    while ((r = ch.read(buf.clear())) > 0) {
                        buf.flip().get(bytes, 0, r);
                        for (int j = 0; j < r; j++) {
                            if (bytes[j] == d) {
                                count++;
                            }
                        }
                    }
                    frames[i] += count;
                    if (r < 0) {
                        k.cancel();
                        throw new IOException("reader " + i + ": the server closed the connection");
                    }
                }
                selector.selectedKeys().clear();
                long min = Long.MAX_VALUE;
                long total = 0;
                for (long f : frames) {
                    min = Math.min(min, f);
                    total += f;
                }
                totalFrames = total;
                minFrames = min;
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    /**
     * @return the fewest frames any one connection has received so far
     * @throws IOException when reading failed
     */
    long minFrames() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw f;
        }
        return minFrames;
    }

    /** @return frames received over all connections */
    long totalFrames() {
        return totalFrames;
    }

    @Override
    public void close() throws IOException {
        stop = true;
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<IOException> errors = new ArrayList<>();
        for (SocketChannel ch : channels) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    errors.add(e);
                }
            }
        }
        selector.close();
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }
}
