package io.jipc.examples;

/** The exchange an example shows did not complete; the example prints the message and exits with status 1. */
final class ExampleFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what did not happen, and the last error seen while waiting for it */
    ExampleFailure(String message) {
        super(message);
    }
}
