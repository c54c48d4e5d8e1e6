package io.jipc.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * {@code jipc bench}: hands the command line to the benchmark driver of jipc-bench, looked up by name at run time.
 * jipc-bench is a run-time dependency of the CLI only, so the CLI's compile class path is jipc-core's public API.
 */
final class BenchLauncher {
    /** The driver's main class, in jipc-bench. */
    static final String DRIVER = "io.jipc.bench.Bench";

    private BenchLauncher() {
    }

    /**
     * Runs the driver, which has its own command line and exits the JVM by itself.
     *
     * @param args the arguments after {@code bench}
     * @throws Exception what the driver threw; an {@link IllegalStateException} naming jipc-bench when it is missing
     */
    static void run(String[] args) throws Exception {
        Method main;
        try {
            main = Class.forName(DRIVER).getMethod("main", String[].class);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("jipc bench needs io.jipc:jipc-bench on the class path (jipc.jar has it)",
                    e);
        }
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw (Error) cause;
        }
    }
}
