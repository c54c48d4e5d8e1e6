package io.jipc.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.interop.TestCerts;
import io.jipc.internal.transport.Channel;
import io.jipc.internal.transport.ChannelHandler;
import io.jipc.internal.transport.ChannelRaces;
import io.jipc.internal.transport.NioTransport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A write that reaches a TLS channel after its close_notify went out (a writer that passed the "closing?" check just
 * before the close began) must fail as closed. It once made the I/O thread wrap it forever: the engine, closed for
 * output, consumed none of it, so the flush loop never ended, no other connection on that thread moved again and the
 * write's stage never completed.
 */
class TlsCloseRaceTest {
    private static final TestCerts CERTS = TestCerts.get();
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 9);

    private final NioTransport loop = NioTransport.start("tls-race", true, 0);

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void shouldFailAWriteQueuedAfterCloseNotifyAndKeepTheLoopRunning() throws Exception {
        TlsSetup server = TlsSetup.of(IpcConfig.Tls.create().privateKey(CERTS.path("server.key"))
                .publicCert(CERTS.path("server.pem")), m -> { });
        TlsSetup client = TlsSetup.of(IpcConfig.Tls.create().trustedConnections(CERTS.path("ca.pem")), m -> { });
        Pipe toServer = new Pipe();
        Pipe toClient = new Pipe();
        App serverApp = new App();
        App clientApp = new App();
        TlsChannel serverTls = new TlsChannel(loop, server.serverEngine(), PEER, Duration.ofSeconds(30), serverApp);
        TlsChannel clientTls = new TlsChannel(loop, client.clientEngine("localhost", 9), PEER,
                Duration.ofSeconds(30), clientApp);
        toServer.deliverTo = serverTls;
        toClient.deliverTo = clientTls;
        clientTls.attach(toServer);
        serverTls.attach(toClient);
        loop.execute(() -> {
            serverTls.onOpen(toClient);
            clientTls.onOpen(toServer);
        });
        clientApp.opened.get(30, TimeUnit.SECONDS);
        serverApp.opened.get(30, TimeUnit.SECONDS);

        CompletableFuture<Void> before = new CompletableFuture<>();
        clientTls.write(ByteBuffer.wrap("before".getBytes(StandardCharsets.UTF_8)), before);
        before.get(30, TimeUnit.SECONDS);
        serverApp.received("before").get(30, TimeUnit.SECONDS);

        // from here the peer reads nothing: the close_notify stays queued, so the ciphertext channel stays open
        toServer.hold = true;
        CompletableFuture<Void> closed = clientTls.closeAfterFlush(TimeUnit.SECONDS.toNanos(30));
        onLoop(() -> null); // the close ran: close_notify is wrapped and queued
        assertTrue(toServer.closeAfterFlushCalled, "the close did not reach the ciphertext channel");
        assertTrue(clientTls.isOpen(), "the channel closed before its close_notify was flushed");

        ChannelRaces.writerPassedTheClosingCheck(clientTls);
        CompletableFuture<Void> late = new CompletableFuture<>();
        clientTls.write(ByteBuffer.wrap("late".getBytes(StandardCharsets.UTF_8)), late);

        // the I/O thread still runs tasks (it did not spin on the late write)...
        assertEquals("alive", onLoop(() -> "alive"));
        // ...and the late write failed as closed instead of being lost or pending forever
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> late.get(30, TimeUnit.SECONDS));
        IpcException e = assertInstanceOf(IpcException.class, failure.getCause());
        assertEquals(IpcException.ECLOSED, e.code());
        assertFalse(serverApp.text().contains("late"), serverApp.text());
        assertFalse(closed.isDone(), "the close finished though its close_notify was never flushed");
    }

    private <T> T onLoop(Supplier<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> result.complete(task.get()));
        return result.get(30, TimeUnit.SECONDS);
    }

    /** What one side's application saw. */
    private static final class App implements ChannelHandler {
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final List<Runnable> watchers = new ArrayList<>();

        @Override
        public void onOpen(Channel channel) {
            opened.complete(null);
        }

        @Override
        public void onData(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            synchronized (this) {
                text.append(new String(b, StandardCharsets.UTF_8));
                watchers.forEach(Runnable::run);
            }
        }

        @Override
        public void onClose(Throwable cause) {
        }

        synchronized String text() {
            return text.toString();
        }

        synchronized CompletableFuture<Void> received(String s) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            Runnable check = () -> {
                if (text.indexOf(s) >= 0) {
                    f.complete(null);
                }
            };
            watchers.add(check);
            check.run();
            return f;
        }
    }

    /**
     * A ciphertext channel in memory, run on the I/O thread: what is written is handed to the other side's TLS
     * channel, or, once {@link #hold} is set, kept as pending (a peer that stopped reading).
     */
    private final class Pipe implements Channel {
        volatile ChannelHandler deliverTo;
        volatile boolean hold;
        volatile boolean closeAfterFlushCalled;
        private long pending;

        @Override
        public void write(ByteBuffer data, CompletableFuture<Void> promise) {
            if (hold) {
                pending += data.remaining();
                return; // never written: its stage stays pending, as a full socket's would
            }
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
            loop.execute(() -> deliverTo.onData(copy));
            if (promise != null) {
                promise.complete(null);
            }
        }

        @Override
        public boolean offer(ByteBuffer data, CompletableFuture<Void> promise, long highWaterMark) {
            write(data, promise);
            return true;
        }

        @Override
        public CompletionStage<Void> offerCoalesced(ByteBuffer data, long highWaterMark) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> offerCoalesced(byte[] frame, int length, long highWaterMark) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long pendingBytes() {
            return pending;
        }

        @Override
        public CompletableFuture<Void> whenPendingAtMost(long atMost) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long dropQueued(long bytes, Supplier<? extends Throwable> reason) {
            return 0;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public SocketAddress remoteAddress() {
            return PEER;
        }

        @Override
        public CompletableFuture<Void> closeAfterFlush(long timeoutNanos) {
            closeAfterFlushCalled = true;
            return new CompletableFuture<>(); // the held data is never flushed
        }

        @Override
        public void close(Throwable cause) {
        }
    }
}
