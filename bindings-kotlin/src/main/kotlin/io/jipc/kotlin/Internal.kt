package io.jipc.kotlin

import io.jipc.IpcException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.CompletionStage
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.completeWith
import kotlinx.coroutines.launch
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext

/**
 * Suspends until a jipc stage completes, without cancelling it when the caller is cancelled: the stages jipc returns
 * are shared (a client's disconnect stage is the same object for every caller) and the work they stand for goes on
 * regardless. kotlinx's `CompletionStage.await()` would cancel the future instead.
 */
internal suspend fun CompletionStage<Void>.awaitDone() {
    val future = toCompletableFuture()
    if (future.isDone && !future.isCompletedExceptionally) {
        return // the common case for a small emit on an idle connection: no suspension at all
    }
    suspendCancellableCoroutine { cont ->
        whenComplete { _, error ->
            if (error == null) {
                cont.resume(Unit)
            } else {
                cont.resumeWithException(unwrapped(error))
            }
        }
    }
}

/** A stage's failure as the caller should see it: the cause a `CompletionException` wraps, else itself. */
private fun unwrapped(error: Throwable): Throwable {
    val cause = error.cause
    return if (error is CompletionException && cause != null) cause else error
}

/**
 * Suspends until a frame handed to `emitWhenWritable` ([io.jipc.IpcClient.emitWhenWritable],
 * [io.jipc.IpcSocket.emitWhenWritable]) was accepted, then until it reached the kernel; never blocks the thread.
 * Cancelling the caller while the frame waits for room withdraws it (it is never sent); once accepted it goes out
 * whatever happens to the caller, who is then no longer waited for. Either way a cancelled caller gets its
 * cancellation.
 */
internal suspend fun CompletableFuture<CompletionStage<Void>>.awaitSent() {
    val written: CompletionStage<Void> = if (isDone && !isCompletedExceptionally) {
        getNow(null) // accepted at once: the common case, no suspension here
    } else {
        suspendCancellableCoroutine { cont ->
            cont.invokeOnCancellation { cancel(false) } // withdraws the frame unless it was accepted meanwhile
            whenComplete { stage, error ->
                if (error == null) {
                    cont.resume(stage)
                } else {
                    cont.resumeWithException(unwrapped(error))
                }
            }
        }
    }
    written.awaitDone()
}

/**
 * Runs a blocking close action at most once, on [Dispatchers.IO] (jipc's stop/close wait for flushing), and lets
 * every later caller wait for that one run. Not cancellable once started: a half-done close helps nobody.
 */
internal class CloseOnce(private val action: () -> Unit) {
    private val claimed = AtomicBoolean()
    private val done = CompletableDeferred<Unit>()

    val isClosed: Boolean get() = claimed.get()

    suspend fun run() {
        withContext(NonCancellable) {
            if (claimed.compareAndSet(false, true)) {
                val result = runCatching { withContext(Dispatchers.IO) { action() } }
                done.completeWith(result)
                result.getOrThrow()
            } else {
                done.await()
            }
        }
    }
}

/**
 * Refuses to bind something to a scope that can no longer be cancelled into closing it: a cancelled or completed
 * scope. Checked before anything is opened, so the refusal leaves nothing behind.
 *
 * @param what the call, for the message
 * @throws IpcException `ESTATE` when [this] has a job that is no longer active
 */
internal fun CoroutineScope?.requireActiveToBind(what: String) {
    val job = this?.coroutineContext?.get(Job) ?: return
    if (!job.isActive) {
        throw scopeNotActive(what)
    }
}

/** The `ESTATE` of binding to a scope that is (or became, during the call) cancelled or completed. */
internal fun scopeNotActive(what: String): IpcException = IpcException(IpcException.ESTATE,
        "$what: the scope to bind to is no longer active (cancelled or completed); nothing was left open")

/**
 * Ties a resource to a [CoroutineScope]: a child coroutine that waits for cancellation and then closes the resource.
 * Being a child, it keeps the scope from completing until the resource is closed, and cancelling the scope closes
 * it before the scope's job completes, so `scope.cancel(); job.join()` returns with everything released.
 */
internal class ScopeBinding(scope: CoroutineScope, name: String, close: suspend () -> Unit) {
    private val job: Job = scope.launch(CoroutineName(name), start = CoroutineStart.UNDISPATCHED) {
        try {
            awaitCancellation()
        } finally {
            withContext(NonCancellable) { close() }
        }
    }

    /** Ends the binding after the resource was closed some other way, so the scope can complete. */
    fun release() {
        job.cancel()
    }
}
