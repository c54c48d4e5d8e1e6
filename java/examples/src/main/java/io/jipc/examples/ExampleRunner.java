package io.jipc.examples;

import io.jipc.Ipc;
import io.jipc.IpcException;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an example's body and turns its outcome into an exit status: 0 when the exchange completed, 1 with the
 * reason when it did not (a timeout, an error from jipc), 2 for a command line it cannot run with.
 */
final class ExampleRunner {
    /** An example's body: returns normally once the exchange it shows completed. */
    @FunctionalInterface
    interface Body {
        /** @throws Exception when the exchange did not complete */
        void run() throws Exception;
    }

    private ExampleRunner() {
    }

    /**
     * @param name the example's name, prefixed to the outcome line
     * @param out where the last line goes on success
     * @param err where the reason goes on failure
     * @param body the example
     * @return the exit status
     */
    static int exitStatus(String name, PrintStream out, PrintStream err, Body body) {
        try {
            body.run();
            out.println(name + ": done");
            return 0;
        } catch (ExampleArgs.UsageException e) {
            err.println(name + ": " + e.getMessage());
            return 2;
        } catch (ExampleFailure e) {
            err.println(name + ": failed: " + e.getMessage());
            return 1;
        } catch (IpcException e) {
            err.println(name + ": failed: " + Expected.describe(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(name + ": interrupted");
            return 1;
        } catch (Exception e) {
            err.println(name + ": failed: " + e);
            return 1;
        }
    }

    /**
     * Keeps a server running until the process is stopped (Ctrl-C), as node-ipc's world examples do; the
     * {@code Ipc} is closed on the way out, which removes its socket file.
     *
     * @param out where to say so
     * @param world the instance serving
     * @throws InterruptedException never in practice: the JVM ends by a signal
     */
    static void serveUntilStopped(PrintStream out, Ipc world) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(world::close, "close-world"));
        out.println("world: serving until stopped (Ctrl-C)");
        new CountDownLatch(1).await();
    }
}
