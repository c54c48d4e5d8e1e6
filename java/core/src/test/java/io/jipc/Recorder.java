package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Collects events as "type" or "type:text" strings from any thread, for tests to await in order. */
final class Recorder {
    static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();

    void add(String event) {
        synchronized (all) {
            all.add(event);
        }
        queue.add(event);
    }

    /** Records lifecycle and error events of a client as their type, with the error code for errors. */
    void watch(IpcClient client) {
        for (String t : List.of("connect", "disconnect", "destroy")) {
            client.on(t, () -> add(t));
        }
        client.on("error", data -> add("error:" + data.error().map(IpcException::code).orElse("?")));
    }

    String next() {
        try {
            String e = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                fail("no event within " + WAIT + "; seen so far: " + history());
            }
            return e;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits for the next event matching; events before it are dropped. */
    String await(Predicate<String> match) {
        while (true) {
            String e = next();
            if (match.test(e)) {
                return e;
            }
        }
    }

    String await(String exact) {
        return await(exact::equals);
    }

    /** The next events must be exactly these, in order. */
    void expect(String... events) {
        for (String expected : events) {
            assertEquals(expected, next(), () -> "history: " + history());
        }
    }

    /** Returns without an event appearing within the window (use only to check absence, never timing). */
    String poll(Duration window) {
        try {
            return queue.poll(window.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    List<String> history() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }
}
