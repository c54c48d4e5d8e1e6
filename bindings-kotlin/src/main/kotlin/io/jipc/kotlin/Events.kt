package io.jipc.kotlin

import com.fasterxml.jackson.core.type.TypeReference
import io.jipc.IpcException
import io.jipc.Message
import java.util.concurrent.ConcurrentHashMap
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Default number of events an event flow buffers for a collector that has not caught up yet. Past it, the flow's
 * [OverflowPolicy] applies.
 */
public const val DEFAULT_EVENT_CAPACITY: Int = 1024

/**
 * What an event flow does when its collector is [capacity][DEFAULT_EVENT_CAPACITY] events behind.
 *
 * jipc dispatches events on its I/O thread, which serves every connection of an `Ipc` and must never wait, so a
 * slow collector cannot slow the sender down (there is no `SUSPEND` choice): each collection has its own bounded
 * buffer, and when that is full this policy decides. Other collections, the connection and the I/O thread are not
 * affected by one collector being slow.
 */
public enum class OverflowPolicy {
    /**
     * Drop the oldest buffered event to make room: the collector sees the most recent events. Nothing reports a
     * dropped event, except to a requester: a dropped request is answered with `EOVERFLOW` at once.
     */
    DROP_OLDEST,

    /**
     * Drop the new event: the collector sees the events up to the moment its buffer filled. Nothing reports a
     * dropped event, except to a requester: a dropped request is answered with `EOVERFLOW` at once.
     */
    DROP_LATEST,

    /**
     * Close the flow with an [IpcException] of code `EOVERFLOW`: the collector first receives every buffered event,
     * then `collect` throws. Nothing is lost silently: the request that did not fit, and any that come before the
     * collection ends, are answered with `EOVERFLOW`. This is the default: a collection that handles requests ends
     * once its collector is 1024 events ([DEFAULT_EVENT_CAPACITY]) behind.
     */
    FAIL,
}

/** The error code of the exception an event flow fails with under [OverflowPolicy.FAIL]. */
public const val EOVERFLOW: String = IpcException.EOVERFLOW

/**
 * Binds a message's data to `T`, generic types included (`decode<List<Point>>()`), through jipc's Jackson mapper:
 * `Message.as(TypeReference)`. jipc's mapper has no Kotlin module, so use classes Jackson binds as they are: a
 * `@JvmRecord data class` (Java 16+ records), a class with a no-argument constructor and mutable properties, maps,
 * lists, strings and numbers.
 *
 * @return the bound value
 * @throws IpcException with code `EDATA` when the data does not fit `T`
 */
public inline fun <reified T> Message.decode(): T = this.`as`(object : TypeReference<T>() {})

/** One collection of an event flow: its buffer and what to do when the buffer is full. */
internal class Subscription<E>(
    private val type: String,
    private val capacity: Int,
    private val policy: OverflowPolicy,
    private val messageOf: (E) -> Message,
) {
    /** Set once the collection ends: a request still in the buffer then was never taken by the collector. */
    @Volatile
    private var ended = false

    /**
     * The buffer. It never drops by itself: the policies are applied in [offer], so that every event that does not
     * reach the collector is known and a request among them can be answered.
     */
    val channel: Channel<E> = Channel(capacity)

    /** Called on the I/O thread (or jipc's executor); never blocks, never throws. */
    fun offer(event: E) {
        while (true) {
            val result = channel.trySend(event)
            when {
                result.isSuccess -> return
                result.isClosed -> return dropped(event) // FAIL tripped, or the collection ended
                policy == OverflowPolicy.DROP_LATEST -> return dropped(event)
                policy == OverflowPolicy.DROP_OLDEST -> channel.tryReceive().getOrNull()?.let { dropped(it) }
                else -> {
                    channel.close(IpcException(EOVERFLOW, "events(\"$type\"): the collector fell $capacity events "
                            + "behind and the flow was closed (OverflowPolicy.FAIL); collect faster, raise capacity, "
                            + "or choose OverflowPolicy.DROP_OLDEST or DROP_LATEST"))
                    return dropped(event)
                }
            }
        }
    }

    /** The collector threw while handling [event]: a request it had not answered gets `EHANDLER`. */
    fun collectorFailed(event: E) {
        Requests.handlerFailed(messageOf(event))
    }

    /** Ends the collection: requests still buffered are answered rather than left to time out. */
    fun end() {
        ended = true
        channel.close()
        while (true) {
            dropped(channel.tryReceive().getOrNull() ?: break)
        }
        channel.cancel()
    }

    /** An event the collector will never see: a request among them gets an error answer (if none was given). */
    private fun dropped(event: E) {
        val msg = messageOf(event)
        if (ended) {
            Requests.collectionEnded(msg, type)
        } else {
            Requests.overflowed(msg, type, capacity)
        }
    }
}

/**
 * The Kotlin-side handlers of one server or client, by event type: jipc calls one catch-all handler per server or
 * client, which hands each event to [dispatch]. Keeping the fan-out here lets the owner act after every collector
 * got an event (close all flows after `destroy`, say), which per-collection jipc handlers could not guarantee.
 *
 * Because jipc always sees that catch-all handler, the requests it would answer itself are answered here, with the
 * same codes: `ENOHANDLER` for a request of a type nobody collects ([dispatch]), `EHANDLER` for one whose collector
 * threw before answering, and an error for one a collection drops (see [Requests]).
 *
 * @param messageOf the received message an event carries
 */
internal class Subscriptions<E>(private val messageOf: (E) -> Message) {
    private val byType = ConcurrentHashMap<String, Array<Subscription<E>>>()

    @Volatile
    private var closed = false

    /** Adds a collection, or closes it at once if no more events can come. */
    fun add(type: String, sub: Subscription<E>) {
        byType.compute(type) { _, old -> if (old == null) arrayOf(sub) else old + sub }
        if (closed) {
            remove(type, sub)
            sub.channel.close()
        }
    }

    fun remove(type: String, sub: Subscription<E>) {
        byType.computeIfPresent(type) { _, old ->
            val left = old.filter { it !== sub }
            if (left.isEmpty()) null else left.toTypedArray()
        }
    }

    /** @return whether anyone listens to this type, directly or through the catch-all `"*"` */
    fun hasListeners(type: String): Boolean = byType.containsKey(type) || byType.containsKey("*")

    /** Number of active collections of a type (all types when null). */
    fun count(type: String? = null): Int =
        if (type == null) byType.values.sumOf { it.size } else byType[type]?.size ?: 0

    /**
     * Called on the I/O thread: the type's collections, then the catch-all ones, as jipc orders handlers. A request
     * that no collection receives is answered with `ENOHANDLER`, as jipc answers one no handler receives.
     */
    fun dispatch(type: String, event: E) {
        val direct = byType[type]
        val any = if (type == "*") null else byType["*"]
        if (direct == null && any == null) {
            Requests.noHandler(messageOf(event), type)
            return
        }
        direct?.forEach { it.offer(event) }
        any?.forEach { it.offer(event) }
    }

    /** Completes every flow normally once no more events can come (client destroyed, server stopped). */
    fun closeAll() {
        closed = true
        for (subs in byType.values) {
            subs.forEach { it.channel.close() }
        }
    }

    /**
     * The cold flow of one event type: each collection adds a subscription and removes it when it ends. A request
     * whose collector throws (anything but a cancellation) is answered with `EHANDLER` unless it was answered.
     */
    fun flow(type: String, capacity: Int, policy: OverflowPolicy): Flow<E> {
        require(capacity >= 1) { "capacity must be at least 1, was $capacity" }
        return flow {
            val sub = Subscription(type, capacity, policy, messageOf)
            add(type, sub)
            try {
                for (event in sub.channel) {
                    try {
                        emit(event)
                    } catch (e: Throwable) {
                        if (e !is CancellationException) {
                            sub.collectorFailed(event)
                        }
                        throw e
                    }
                }
            } finally {
                remove(type, sub)
                sub.end()
            }
        }
    }
}
