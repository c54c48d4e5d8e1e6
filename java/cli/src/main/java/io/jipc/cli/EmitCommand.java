package io.jipc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code jipc emit ADDRESS TYPE [DATA] [--wait TYPE] [--count N] [--timeout MS]}: connects, emits once, optionally
 * prints the next N events of a type, then disconnects after flushing. One deadline covers all of it.
 */
final class EmitCommand {
    static final long DEFAULT_TIMEOUT_MS = 10_000;
    /** After a failed emit, how long to wait for the client's error event, which says why. */
    private static final long REASON_WAIT_MS = 1_000;

    private EmitCommand() {
    }

    static int run(Options o, Out out) throws InterruptedException {
        Address address = Address.from(o, false);
        boolean raw = o.flag("--raw");
        String type = o.positionals().get(0);
        JsonNode data = null;
        if (o.positionals().size() > 1) {
            if (raw) {
                throw new UsageException("emit --raw writes TYPE as raw text; DATA is not used");
            }
            data = Json.parseArgument(o.positionals().get(1));
        }
        String waitType = o.value("--wait");
        if (o.has("--count") && waitType == null) {
            throw new UsageException("--count applies to --wait: give --wait TYPE");
        }
        if (raw && waitType != null && !"data".equals(waitType)) {
            throw new UsageException("with --raw, received chunks are 'data' events: use --wait data");
        }
        int count = (int) o.number("--count", 1, Integer.MAX_VALUE, 1);
        long timeoutMs = o.number("--timeout", 1, Long.MAX_VALUE / 1_000_000, DEFAULT_TIMEOUT_MS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);

        AtomicReference<IpcException> firstError = new AtomicReference<>();
        AtomicInteger received = new AtomicInteger();
        CompletableFuture<Void> gone = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicBoolean over = new AtomicBoolean(); // once the outcome is decided, late events are not printed
        Ipc ipc = Setup.create(Setup.client(o, address));
        try {
            IpcClient client = Connector.connect(ipc, address, c -> {
                c.on("error", m -> m.error().ifPresent(e -> firstError.compareAndSet(null, e)));
                c.on("destroy", () -> gone.complete(null));
                if (waitType != null) {
                    c.on(waitType, m -> {
                        int n = received.incrementAndGet();
                        if (n <= count && !over.get()) {
                            out.event(Json.received(m, raw));
                        }
                        if (n == count) {
                            done.complete(null);
                        }
                    });
                }
            });
            CompletionStage<Void> sent = data == null ? client.emit(type) : client.emit(type, data);
            try {
                sent.toCompletableFuture().get(remaining(deadline), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new Failure(reason(e.getCause(), firstError, gone));
            } catch (TimeoutException e) {
                throw new Failure("timed out after " + timeoutMs + " ms sending '" + type + "' to "
                        + address.describe());
            }
            if (waitType != null) {
                try {
                    CompletableFuture.anyOf(done, gone).get(remaining(deadline), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e); // neither future fails
                } catch (TimeoutException e) {
                    throw new Failure("timed out after " + timeoutMs + " ms waiting for " + count + " '" + waitType
                            + "' event(s) from " + address.describe() + " (got " + Math.min(received.get(), count)
                            + ")");
                }
                if (!done.isDone()) {
                    IpcException why = firstError.get();
                    throw new Failure("the connection to " + address.describe() + " closed after "
                            + received.get() + " of " + count + " '" + waitType + "' event(s)"
                            + (why == null ? "" : ": " + why.getMessage()));
                }
            }
            over.set(true);
            Connector.disconnect(client, ipc);
            return 0;
        } finally {
            over.set(true);
            ipc.close();
        }
    }

    /** The client's error event says why an emit failed better than the emit's own failure (ECLOSED...). */
    static String reason(Throwable emitFailure, AtomicReference<IpcException> firstError,
            CompletableFuture<Void> gone) throws InterruptedException {
        if (firstError.get() == null) {
            try {
                gone.get(REASON_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // no better reason came
            }
        }
        IpcException why = firstError.get();
        return why != null ? why.getMessage() : String.valueOf(Json.unwrap(emitFailure).getMessage());
    }

    static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
