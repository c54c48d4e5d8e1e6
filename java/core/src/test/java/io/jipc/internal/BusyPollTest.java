package io.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.internal.transport.Channel;
import io.jipc.internal.transport.ChannelHandler;
import io.jipc.internal.transport.LoopTransport;
import io.jipc.internal.transport.IoLoop;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IpcConfig#busyPoll}: the I/O loop polls without blocking for a while before it waits, finds replies that way,
 * still runs tasks and timers, and blocks once nothing happens. Runs on the transport the {@code jipc.transport}
 * property picks (the build runs it once per transport).
 */
class BusyPollTest {
    private static final int ROUND_TRIPS = 300;

    @TempDir
    Path dir;

    private static LoopTransport start(String name, Duration busyPoll) {
        IoLoop t = TransportSelection.choose(io.jipc.Transport.AUTO).start(name, true, busyPoll.toNanos());
        return (LoopTransport) t;
    }

    /** Runs {@value #ROUND_TRIPS} one-byte round trips from {@code client} to an echo server on {@code server}. */
    private void pingPong(IoLoop server, IoLoop client) throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
        IoLoop.Listener listener = server.listen(address, 16, new IoLoop.AcceptHandler() {
            @Override
            public ChannelHandler onAccept(Channel channel) {
                return new ChannelHandler() {
                    @Override
                    public void onOpen(Channel ch) {
                    }

                    @Override
                    public void onData(ByteBuffer data) {
                        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
                        channel.write(copy, null);
                    }

                    @Override
                    public void onClose(Throwable cause) {
                    }
                };
            }

            @Override
            public void onAcceptError(IOException error) {
            }
        }, null);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        AtomicInteger replies = new AtomicInteger();
        AtomicReference<Channel> self = new AtomicReference<>();
        Channel ch = client.connect(address, null, new ChannelHandler() {
            @Override
            public void onOpen(Channel channel) {
                self.set(channel); // before the first write: its reply may come before connect() returns
                channel.write(ByteBuffer.wrap(new byte[] {1}), null);
            }

            @Override
            public void onData(ByteBuffer data) {
                int n = replies.addAndGet(data.remaining());
                data.position(data.limit());
                if (n >= ROUND_TRIPS) {
                    done.complete(n);
                } else {
                    self.get().write(ByteBuffer.wrap(new byte[] {1}), null);
                }
            }

            @Override
            public void onClose(Throwable cause) {
                done.completeExceptionally(new IOException("closed after " + replies.get() + " replies", cause));
            }
        });
        assertEquals(ROUND_TRIPS, done.get(30, TimeUnit.SECONDS));
        ch.close(null);
        listener.close();
    }

    @Test
    void spinningLoopFindsRepliesThenBlocksOnceIdle() throws Exception {
        try (LoopTransport server = start("bp-server", Duration.ZERO);
                LoopTransport client = start("bp-client", IpcConfig.BUSY_POLL_MAX)) {
            pingPong(server, client);
            // every reply arrives while the client spins (the server answers within microseconds, it spins 10 ms)
            assertTrue(client.busyPollHits() > 0, "no reply was found by busy polling: " + client.busyPollHits());
            assertEquals(0, server.busyPollHits(), "the server does not busy-poll");
            // once idle, the client's loop must stop spinning and block. It may have blocked for good already (a
            // loaded machine delays this thread past the spin), so read the count, then give the loop one more turn
            // with a task: whether it was spinning or blocked, once the task ran and nothing else happens it must
            // block again, and a loop that never stops spinning never does
            long before = client.blockingPolls();
            client.execute(() -> { });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (client.blockingPolls() == before && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(client.blockingPolls() > before, "the idle loop never blocked");
        }
    }

    @Test
    void withoutBusyPollingTheLoopNeverSpins() throws Exception {
        try (LoopTransport server = start("bp-server", Duration.ZERO);
                LoopTransport client = start("bp-client", Duration.ZERO)) {
            pingPong(server, client);
            assertEquals(0, client.busyPollHits());
            assertTrue(client.blockingPolls() > 0);
        }
    }

    @Test
    void tasksAndTimersRunWhileTheLoopSpins() throws Exception {
        try (LoopTransport loop = start("bp-loop", IpcConfig.BUSY_POLL_MAX)) {
            for (int i = 0; i < 200; i++) {
                CompletableFuture<Boolean> task = new CompletableFuture<>();
                loop.execute(() -> task.complete(loop.inLoop()));
                assertTrue(task.get(10, TimeUnit.SECONDS));
                CompletableFuture<Boolean> timer = new CompletableFuture<>();
                loop.execute(() -> loop.schedule(() -> timer.complete(loop.inLoop()), 200, TimeUnit.MICROSECONDS));
                assertTrue(timer.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void configRejectsNegativeAndOverlongBusyPoll() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ipc.create(IpcConfig.defaults().busyPoll(Duration.ofNanos(-1))));
        assertTrue(e.getMessage().contains("busyPoll"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Ipc.create(IpcConfig.defaults().busyPoll(IpcConfig.BUSY_POLL_MAX.plusNanos(1))));
        assertTrue(e.getMessage().contains("busyPoll"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ipc.create(IpcConfig.defaults().busyPoll(null)));
        assertTrue(e.getMessage().contains("busyPoll"), e.getMessage());
        assertEquals(Duration.ZERO, IpcConfig.defaults().busyPoll());
        assertEquals(Duration.ofMillis(1), IpcConfig.defaults().busyPoll(Duration.ofMillis(1)).copy().busyPoll());
    }
}
