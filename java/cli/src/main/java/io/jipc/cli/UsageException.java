package io.jipc.cli;

/** A command line the CLI cannot run (unknown command or option, missing or bad value): exit status 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line naming the offending argument */
    UsageException(String message) {
        super(message);
    }
}
