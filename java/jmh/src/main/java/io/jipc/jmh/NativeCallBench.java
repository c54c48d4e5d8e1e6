package io.jipc.jmh;

import io.jipc.internal.nativeio.NativeLibrary;
import io.jipc.internal.nativeio.binding.LibJipc;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a call into libjipc through jnr-ffi costs, beside the JDK's NIO doing the same system call: a call that makes
 * no system call ({@code jipc_wakeup_fd}: the price of crossing into C and back), a non-blocking {@code epoll_wait}
 * on an empty set (native) against {@code Selector.selectNow()} on an empty selector (NIO), and a read of an empty
 * non-blocking Unix socket (native {@code jipc_read}, EAGAIN, against {@code SocketChannel.read}, 0). The native
 * transport makes one poll, one read and one write per message hop, as NIO does; these figures say how much of a
 * round trip the crossing itself can account for. Needs libjipc (the jar carries the platform's native jar); without
 * it the setup fails with the loader's cause.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")
public class NativeCallBench {
    /** EAGAIN on Linux (every architecture jipc builds for). */
    private static final int EAGAIN = 11;

    private LibJipc lib;
    private int pfd = -1;
    private int wfd = -1;
    private Pointer events;
    private Pointer readBuf;
    private int nativeReadFd = -1;
    private Selector selector;
    private ByteBuffer nioBuf;
    private Path dir;
    private ServerSocketChannel listener;
    private SocketChannel nioClient;
    private SocketChannel nioAccepted;

    /** Opens the poll sets and a connected Unix socket pair (the native side reads the accepted end by its fd). */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        selector = Selector.open();
        nioBuf = ByteBuffer.allocateDirect(4096);
        dir = Files.createTempDirectory("jipc-jmh");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        UnixDomainSocketAddress addr = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
        listener.bind(addr);
        nioClient = SocketChannel.open(addr);
        nioAccepted = listener.accept();
        nioClient.configureBlocking(false);
        nioAccepted.configureBlocking(false);
        lib = NativeLibrary.lib(); // fails naming the cause when libjipc is unavailable
        jnr.ffi.Runtime rt = jnr.ffi.Runtime.getRuntime(lib);
        pfd = check(lib.jipc_poll_create());
        wfd = check(lib.jipc_wakeup_create());
        events = Memory.allocateDirect(rt, 64 * 16);
        readBuf = Memory.allocateDirect(rt, 4096);
        nativeReadFd = fdOf(nioAccepted); // the same socket, read by both
        long r = lib.jipc_read(nativeReadFd, readBuf, 4096);
        if (r != -EAGAIN) {
            throw new IOException("reading the empty socket natively gave " + r + ", not -EAGAIN");
        }

    }

    private static int check(int r) throws IOException {
        if (r < 0) {
            throw new IOException("libjipc call failed: errno " + -r);
        }
        return r;
    }

    /** The descriptor number of a JDK socket channel (its implementation's {@code getFDVal}, opened by the fork). */
    private static int fdOf(SocketChannel ch) throws IOException {
        try {
            java.lang.reflect.Method m = ch.getClass().getMethod("getFDVal");
            m.setAccessible(true);
            return (Integer) m.invoke(ch);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot read the descriptor of " + ch + ": " + e, e);
        }
    }

    /** Closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        lib.jipc_close(pfd);
        lib.jipc_close(wfd);
        selector.close();
        nioClient.close();
        nioAccepted.close();
        listener.close();
        Files.deleteIfExists(dir.resolve("s.sock"));
        Files.deleteIfExists(dir);
    }

    /** @return a call into C that makes no system call: the jnr-ffi crossing alone */
    @Benchmark
    public int nativeCallOnly() {
        return lib.jipc_wakeup_fd(wfd);
    }

    /** @return {@code epoll_wait(pfd, .., 0)} on an empty set through jnr-ffi */
    @Benchmark
    public int nativePollNow() {
        return lib.jipc_poll_wait(pfd, events, 64, 0);
    }

    /** @return {@code Selector.selectNow()} on an empty selector (the same epoll_wait, through the JDK) */
    @Benchmark
    public int nioSelectNow() throws IOException {
        return selector.selectNow();
    }

    /** @return {@code read()} of an empty non-blocking Unix socket through jnr-ffi ({@code -EAGAIN}) */
    @Benchmark
    public long nativeReadEmpty() {
        return lib.jipc_read(nativeReadFd, readBuf, 4096);
    }

    /** @return {@code SocketChannel.read} of the same empty socket through the JDK (0) */
    @Benchmark
    public int nioReadEmpty() throws IOException {
        nioBuf.clear();
        return nioAccepted.read(nioBuf);
    }
}
