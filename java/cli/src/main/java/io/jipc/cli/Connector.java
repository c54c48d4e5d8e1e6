package io.jipc.cli;

import io.jipc.Ipc;
import io.jipc.IpcClient;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Connecting and disconnecting a CLI client. */
final class Connector {
    private Connector() {
    }

    /**
     * @param ipc the instance
     * @param address where to connect
     * @param subscribe adds the client's handlers; runs before the first connection attempt, so nothing is missed
     * @return the client, connecting or already connected
     */
    static IpcClient connect(Ipc ipc, Address address, Consumer<IpcClient> subscribe) {
        return address.connect(ipc, subscribe);
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
}
