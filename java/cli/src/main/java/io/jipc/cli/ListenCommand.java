package io.jipc.cli;

import io.jipc.ClientHandler;
import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcException;
import io.jipc.Message;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code jipc listen ADDRESS [--count N] [--timeout MS] [--events A,B]}: connects and prints every event received.
 *
 * <p>Without --count it runs until interrupted, until --timeout elapses, or until the server closes the connection,
 * and exits 0. With --count it exits 0 once N events arrived, or 1 on timeout or when the server goes first.
 */
final class ListenCommand {
    /** The client's built-in events, always subscribed. */
    static final Set<String> BUILT_IN = Set.of("connect", "disconnect", "destroy", "error", "data");

    private final Out out;
    private final boolean raw;
    private final Integer count;
    private final AtomicBoolean connected = new AtomicBoolean();
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicReference<IpcException> firstError = new AtomicReference<>();
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    private final CompletableFuture<Void> counted = new CompletableFuture<>();

    private ListenCommand(Out out, boolean raw, Integer count) {
        this.out = out;
        this.raw = raw;
        this.count = count;
    }

    static int run(Options o, Out out) throws InterruptedException {
        Address address = Address.from(o, false);
        Set<String> events = o.list("--events");
        Integer count = o.has("--count") ? (int) o.number("--count", 1, Integer.MAX_VALUE, 0) : null;
        Long timeoutMs = o.has("--timeout") ? o.number("--timeout", 1, Long.MAX_VALUE / 1_000_000, 0) : null;
        ListenCommand cmd = new ListenCommand(out, o.flag("--raw"), count);
        Ipc ipc = Setup.create(Setup.client(o, address));
        try {
            IpcClient client = Connector.connect(ipc, address, c -> {
                ClientHandler handler = cmd::onEvent;
                if (events == null) {
                    // "*" runs for every event, built-in or received; the type is in Message.type()
                    c.on("*", handler);
                } else {
                    Set<String> types = new LinkedHashSet<>(BUILT_IN);
                    types.addAll(events);
                    types.forEach(type -> c.on(type, handler));
                }
            });
            try {
                CompletableFuture<Object> first = CompletableFuture.anyOf(cmd.counted, cmd.gone);
                if (timeoutMs == null) {
                    first.get();
                } else {
                    first.get(timeoutMs, TimeUnit.MILLISECONDS);
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException(e); // neither future fails
            } catch (TimeoutException e) {
                if (count != null) {
                    throw new Failure("timed out after " + timeoutMs + " ms: received " + cmd.received.get()
                            + " of " + count + " event(s) from " + address.describe());
                }
                Connector.disconnect(client, ipc);
                return 0;
            } catch (InterruptedException stop) {
                return count == null ? 0 : Main.INTERRUPTED;
            }
            if (cmd.counted.isDone()) {
                Connector.disconnect(client, ipc);
                return 0;
            }
            IpcException why = cmd.firstError.get();
            if (!cmd.connected.get()) {
                throw new Failure(why != null ? why.getMessage() : "could not connect to " + address.describe());
            }
            if (count != null) {
                throw new Failure("the connection to " + address.describe() + " closed after " + cmd.received.get()
                        + " of " + count + " event(s)" + (why == null ? "" : ": " + why.getMessage()));
            }
            return 0;
        } finally {
            ipc.close();
        }
    }

    private void onEvent(Message m) {
        switch (m.type()) {
            case "connect":
                connected.set(true);
                out.event(Json.line("connect"));
                break;
            case "disconnect":
                out.event(Json.line("disconnect"));
                break;
            case "destroy":
                gone.complete(null);
                break;
            case "error":
                m.error().ifPresent(e -> firstError.compareAndSet(null, e));
                out.event(Json.error(m));
                break;
            default:
                int n = received.incrementAndGet();
                if (count == null || n <= count) {
                    out.event(Json.received(m, raw));
                }
                if (count != null && n == count) {
                    counted.complete(null);
                }
        }
    }
}
