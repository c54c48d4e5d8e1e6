package io.jipc.cli;

/** A command that ran and failed (connection refused, timeout, the server went away): exit status 1. */
final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line saying what failed and why */
    Failure(String message) {
        super(message);
    }
}
