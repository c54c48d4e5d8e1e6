package io.jipc.examples;

import io.jipc.IpcException;
import io.jipc.Message;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Something an example waits for: completed by a handler on jipc's I/O thread, awaited by {@code main} with a
 * timeout. Error events seen meanwhile are remembered, so that a timeout can say why (for example a client still
 * retrying because the server is not there).
 *
 * @param <T> the value that arrives
 */
final class Expected<T> {
    private final String what;
    private final CompletableFuture<T> value = new CompletableFuture<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    /** @param what what is awaited, for the failure message ("an answer from world") */
    Expected(String what) {
        this.what = what;
    }

    /** @param arrived the value; later calls are ignored */
    void complete(T arrived) {
        value.complete(arrived);
    }

    /** @param event an {@code error} event's data, kept as the reason for a timeout */
    void noteError(Message event) {
        lastError.set(event.error().map(Expected::describe).orElse(event.asText()));
    }

    /**
     * Waits for the value.
     *
     * @param timeout how long to wait
     * @return the value
     * @throws ExampleFailure when it did not arrive in time, naming the last error seen
     */
    T await(Duration timeout) {
        try {
            return value.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            String error = lastError.get();
            throw new ExampleFailure("no " + what + " within " + timeout.toSeconds() + " s"
                    + (error == null ? "" : " (last error: " + error + ")"));
        } catch (ExecutionException e) {
            throw new ExampleFailure(what + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExampleFailure("interrupted while waiting for " + what);
        }
    }

    /**
     * @param e an error from jipc
     * @return its code and message, as the examples print errors
     */
    static String describe(IpcException e) {
        return e.code() + " " + e.getMessage();
    }
}
