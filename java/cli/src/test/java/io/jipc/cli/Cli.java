package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

/** Runs {@link Main#run} in-process, in the foreground or on a background thread. */
final class Cli implements AutoCloseable {
    final Lines out = new Lines();
    final Lines err = new Lines();
    private final AtomicInteger status = new AtomicInteger(Integer.MIN_VALUE);
    private Thread thread;

    /** Runs to the end in this thread. */
    static Cli run(String... args) {
        Cli cli = new Cli();
        cli.status.set(Main.run(args, cli.out.stream, cli.err.stream));
        return cli;
    }

    /** Starts a run on a background thread (serve, listen). */
    static Cli start(String... args) {
        Cli cli = new Cli();
        cli.thread = new Thread(() -> cli.status.set(Main.run(args, cli.out.stream, cli.err.stream)),
                "cli-" + args[0]);
        cli.thread.start();
        return cli;
    }

    /** @return the exit status of a finished run */
    int status() {
        return status.get();
    }

    /** Waits for a background run to end by itself; @return its exit status */
    int join() throws InterruptedException {
        thread.join(Lines.PATIENCE.toMillis());
        assertTrue(!thread.isAlive(), "the run did not end; printed " + out.all() + " / " + err.all());
        return status.get();
    }

    /** Stops a background run as SIGINT would (interrupting it) and waits; @return its exit status */
    int stop() throws InterruptedException {
        thread.interrupt();
        return join();
    }

    /** Stops a background run still going (a test that failed half-way). */
    @Override
    public void close() {
        if (thread != null && thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(Lines.PATIENCE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
