package io.jipc.cli;

import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Connects a client with its handlers subscribed before the first connection attempt can report anything.
 *
 * <p>{@link Ipc#connectTo} starts connecting at once on the I/O thread, so {@code connect}, {@code error} and
 * {@code destroy} (and a server's greeting) may fire before the caller's {@code on(...)} calls, and are then lost;
 * node-ipc avoids this only because JavaScript runs the {@code connectTo} callback before any I/O. Until the API
 * offers a hook that runs before the attempt, this holds the instance's I/O thread while subscribing: a throwaway
 * loopback server's {@code start} handler (registered before {@code start()}, so it cannot be missed) blocks until
 * the subscriptions are in place, and the connection attempt, queued behind it, starts only then.
 */
final class Connector {
    /** Upper bound on how long the I/O thread is held (subscribing takes microseconds). */
    private static final long HOLD_MS = 5_000;

    private Connector() {
    }

    /**
     * @param ipc an instance with no listening server (the gate briefly becomes its server)
     * @param address where to connect
     * @param subscribe adds the client's handlers; runs on the calling thread
     * @return the client, connecting or already connected
     * @throws InterruptedException when interrupted while waiting for the I/O thread
     */
    static IpcClient connect(Ipc ipc, Address address, Consumer<IpcClient> subscribe) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        IpcServer gate = startGate(ipc, holding, release);
        try {
            if (gate != null) {
                holding.await(HOLD_MS, TimeUnit.MILLISECONDS);
            }
            IpcClient client = address.connect(ipc);
            subscribe.accept(client);
            return client;
        } finally {
            release.countDown();
            if (gate != null) {
                gate.stop();
            }
        }
    }

    /** @return the started gate, or null when loopback TCP is unavailable (then subscribing races, as without it) */
    private static IpcServer startGate(Ipc ipc, CountDownLatch holding, CountDownLatch release) {
        IpcServer gate = ipc.serveNet("127.0.0.1", 0);
        gate.on("start", (data, socket) -> {
            holding.countDown();
            awaitQuietly(release);
        });
        try {
            gate.start();
            return gate;
        } catch (IpcException e) {
            return null;
        }
    }

    /**
     * Disconnects after flushing, bounded by the flush timeout; a flush that fails changes nothing at this point.
     *
     * @param client the client
     * @param ipc its instance
     * @throws InterruptedException when interrupted while waiting
     */
    static void disconnect(IpcClient client, Ipc ipc) throws InterruptedException {
        long boundMs = ipc.config().flushTimeout().toMillis() + 1_000;
        try {
            client.disconnect().toCompletableFuture().get(boundMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // everything emitted was handed over already; closing goes on
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(HOLD_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
