package io.jipc.kotlin

import io.jipc.IpcException
import io.jipc.Message
import java.util.concurrent.CompletionStage
import kotlin.time.Duration
import kotlin.time.toJavaDuration
import kotlinx.coroutines.future.await

/**
 * Answers a request received in a collector and returns once the answer reached the kernel: the suspend form of
 * [Message.reply]. The requester's `request` completes with [data]. A request is answered once: the first answer
 * wins, whichever collection gives it. Under `Backpressure.BLOCK` it suspends while the answer waits for room on the
 * connection, never blocking the thread; cancelling the caller stops the wait, not the answer, which goes out once it
 * fits.
 *
 * @param data the answer's data, as for `emit` (null: none)
 * @throws IpcException `ESTATE` when this message is not a request (see [Message.isRequest]) or was answered
 *     already; `ECLOSED` when the connection closed first
 */
public suspend fun Message.respond(data: Any? = null) {
    reply(data).awaitDone()
}

/**
 * Answers a request received in a collector with a failure and returns once it reached the kernel: the suspend
 * form of [Message.replyError]. The requester's `request` throws an [IpcException] with code `EREMOTE` naming
 * [code] and [message].
 *
 * @param code a short code, e.g. `EINVAL`
 * @param message what went wrong
 * @throws IpcException as [respond]
 */
public suspend fun Message.respondError(code: String, message: String) {
    replyError(code, message).awaitDone()
}

/**
 * Answers the request this event carries (see [Message.respond]): `events("sum").collect { it.respond(...) }`.
 * Works for the typed events of [CoroutineServer.events] too.
 *
 * @param data the answer's data, as for `emit` (null: none)
 * @throws IpcException `ESTATE` when the event is not a request or was answered already; `ECLOSED` when the
 *     connection closed first
 */
public suspend fun ServerEvent<*>.respond(data: Any? = null) {
    requestMessage("respond").respond(data)
}

/**
 * Answers the request this event carries with a failure (see [Message.respondError]).
 *
 * @param code a short code, e.g. `EINVAL`
 * @param message what went wrong
 * @throws IpcException as [respond]
 */
public suspend fun ServerEvent<*>.respondError(code: String, message: String) {
    requestMessage("respondError").respondError(code, message)
}

private fun ServerEvent<*>.requestMessage(what: String): Message = this.message
    ?: throw IpcException(IpcException.ESTATE, "$what: this ServerEvent carries no received message "
            + "(it was made by hand, not by events())")

/**
 * Waits for a request's reply: cancelling the caller cancels the wait (jipc forgets the request and discards a
 * reply that comes later); failures are thrown as jipc reports them.
 */
internal suspend fun CompletionStage<Message>.awaitReply(): Message = await()

/** A Kotlin timeout for jipc: null stays null (jipc then uses requestTimeout). */
internal fun Duration?.toJipc(): java.time.Duration? = this?.toJavaDuration()

/**
 * Answers the requests jipc would answer itself if it saw the collections as handlers: the bindings give jipc one
 * catch-all handler, so jipc never finds a request unhandled. The codes and sentences are jipc's (`ENOHANDLER`,
 * `EHANDLER`), so a requester gets the same answer from a Kotlin server as from a Java one. Every function answers
 * only a request not answered yet (a second answer fails with `ESTATE`, which is ignored here), never blocks and
 * never throws: they run on the I/O thread or in a channel's drop callback.
 */
internal object Requests {
    /** A request of a type no collection receives: jipc's `ENOHANDLER`. */
    fun noHandler(msg: Message, type: String) {
        answer(msg, IpcException.ENOHANDLER, "no handler for '$type'")
    }

    /** A request whose collector threw before answering it: jipc's `EHANDLER`, without the exception's text. */
    fun handlerFailed(msg: Message) {
        answer(msg, IpcException.EHANDLER, "the handler for '${msg.type()}' failed before replying")
    }

    /** A request a collection dropped because its collector was [capacity] events behind. */
    fun overflowed(msg: Message, type: String, capacity: Int) {
        answer(msg, IpcException.EOVERFLOW, "the handler for '${msg.type()}' (events(\"$type\")) was $capacity "
                + "events behind and dropped this request")
    }

    /** A request still buffered when its collection ended (cancelled, failed, or done, e.g. after `first()`). */
    fun collectionEnded(msg: Message, type: String) {
        answer(msg, IpcException.ENOHANDLER, "the handler for '${msg.type()}' (events(\"$type\")) ended before "
                + "taking this request")
    }

    private fun answer(msg: Message, code: String, text: String) {
        if (msg.isRequest()) {
            runCatching { msg.replyError(code, text) } // answered already: a failed stage, nothing to do
        }
    }
}
