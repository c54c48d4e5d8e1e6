package io.jipc.internal;

import io.jipc.IpcException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Completion stages the library hands back for an operation refused before it started. */
public final class Stages {
    private Stages() {
    }

    /**
     * @param <T> the stage's value type
     * @param e why the operation failed
     * @return a stage already failed with {@code e}
     */
    public static <T> CompletionStage<T> failed(IpcException e) {
        return CompletableFuture.failedFuture(e);
    }

    /**
     * @param e a failure as a dependent stage or {@code join} reports it
     * @return the failure itself, out of its {@link CompletionException} wrapper
     */
    public static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
