package io.jipc.kotlin

import com.fasterxml.jackson.core.type.TypeReference
import io.jipc.IpcException
import io.jipc.IpcServer
import io.jipc.IpcSocket
import io.jipc.Message
import io.jipc.ServerHandler
import java.net.SocketAddress
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.map

/**
 * One event received by a server: the data and the connection it came from, node-ipc's `(data, socket)`.
 * Destructure it: `collect { (data, socket) -> ... }`. When the event is a request ([Message.isRequest]), answer it
 * with [respond] or [respondError].
 *
 * @param T [Message] for [CoroutineServer.events], the bound type for the typed variant
 * @property data the event's data
 * @property socket the connection it came from; null only for server-wide events (`start`, an accept `error`)
 * @property message the received message (the same object as [data] for untyped events); null only for an event
 *     made by hand
 */
public data class ServerEvent<out T>(val data: T, val socket: IpcSocket?, val message: Message? = data as? Message)

/**
 * Emits an event back to the connection this event came from and returns once the frame reached the kernel:
 * node-ipc's `ipc.server.emit(socket, type, data)`. This sends a new event; it does not answer a request (that is
 * [respond]). Waits for room and cancels as [CoroutineServer.emit] does.
 *
 * @param type event type
 * @param data any value Jackson can write, a received [Message] (relayed as is), or null (sent as `{}`)
 * @throws IpcException `ESTATE` for a server-wide event (no socket); otherwise as [CoroutineServer.emit]
 */
public suspend fun ServerEvent<*>.emitBack(type: String, data: Any? = null) {
    val to = socket ?: throw IpcException(IpcException.ESTATE,
            "emitBack '$type': this event has no socket (a server-wide event)")
    to.emitWhenWritable(type, data).awaitSent()
}

/**
 * A listening server for coroutines: node-ipc's `ipc.server`, made by [CoroutineIpc.serve] or
 * [CoroutineIpc.serveNet].
 *
 * Events arrive through cold [events] flows; each collection registers its own handler and buffer and removes them
 * when it ends. Every flow completes normally once the server stopped and the last `socket.disconnected` was
 * delivered. Thread-safe.
 *
 * @property java the underlying Java server, for what these bindings do not wrap
 */
public class CoroutineServer internal constructor(public val java: IpcServer, private val silent: Boolean) {
    private val subscriptions = Subscriptions<ServerEvent<Message>> { it.data }

    /** Sockets that fired `connect` and not yet `socket.disconnected`, counted after every collection got it. */
    private val open = AtomicInteger()

    @Volatile
    private var stopping = false

    private val started = CompletableDeferred<Unit>()

    @Volatile
    private var binding: ScopeBinding? = null

    private val closer = CloseOnce {
        stopping = true
        java.stop()
        started.completeExceptionally(IpcException(IpcException.ESTATE,
                "serve ${java.address()}: stopped before it started"))
        if (open.get() == 0) {
            subscriptions.closeAll() // otherwise the I/O thread does, after delivering the last socket.disconnected
        }
    }

    /**
     * The one jipc handler of this server (a catch-all): hands each event to every collection, then does the
     * bookkeeping that must come after delivery (serve's caller resumes after `start` was delivered; the flows
     * complete after the last `socket.disconnected` of a stop).
     */
    private val dispatcher = ServerHandler { data, socket ->
        val type = data.type()
        if (type == "connect" && socket != null) { // a UDP server's connect has no socket (and no disconnect)
            open.incrementAndGet()
        }
        if (type == "error" && !subscriptions.hasListeners("error")) {
            logUnhandled(silent, data)
        }
        subscriptions.dispatch(type, ServerEvent(data, socket, data))
        if (type == "start") {
            started.complete(Unit)
        } else if (type == "socket.disconnected" && open.decrementAndGet() == 0 && stopping) {
            subscriptions.closeAll()
        }
    }

    init {
        java.on("*", dispatcher)
    }

    /** The bound address (for TCP port 0, the port the OS chose); null before start. */
    public val address: SocketAddress? get() = java.address()

    /** True from start until [stop]. */
    public val isListening: Boolean get() = java.isListening

    /** A snapshot of the connected sockets, in accept order. */
    public val sockets: List<IpcSocket> get() = java.sockets()

    /**
     * The events of one type as a cold flow: node-ipc's `ipc.server.on(type, (data, socket) => ...)`. Each
     * collection adds a handler when `collect` is called and removes it when the collection ends (cancelled,
     * completed by an operator such as `first()`, or failed). The type `"*"` receives every event, built-in ones
     * included; read the type from `data.type()`.
     *
     * Each collection buffers up to [capacity] events for its collector; past that, [onOverflow] applies (see
     * [OverflowPolicy]). An exception thrown by the collector ends that collection only, as for any flow: it is
     * thrown from `collect`, the handler is removed, and the connection, the other collections and the I/O thread
     * go on.
     *
     * Requests ([Message.isRequest], sent with `request` by a jipc peer) are answered as a Java server answers them:
     * one of a type no collection receives (no collection of it or of `"*"` at that moment) fails at the requester
     * with `EREMOTE` naming `ENOHANDLER`; one whose collector throws (not a cancellation) before answering, with
     * `EHANDLER`. A request this collection drops is answered at once rather than left to time out: `EOVERFLOW`
     * when the buffer was full (under every policy: under the default [OverflowPolicy.FAIL] the collection is
     * also ended with `EOVERFLOW` once its collector is [capacity] events behind, 1024 by default, after delivering
     * what it buffered), `ENOHANDLER` for requests still buffered when the collection ends. The first answer
     * wins, so when several collections receive the same request type, one that fails or drops answers for all:
     * collect each request type once.
     *
     * @param type event type, a built-in event name (`connect`, `socket.disconnected`, `error`, ...), or `"*"`
     * @param capacity events buffered for a collector that has not caught up, at least 1
     * @param onOverflow what happens when the buffer is full
     * @return the events, completing once the server stopped
     */
    public fun events(
        type: String,
        capacity: Int = DEFAULT_EVENT_CAPACITY,
        onOverflow: OverflowPolicy = OverflowPolicy.FAIL,
    ): Flow<ServerEvent<Message>> = subscriptions.flow(type, capacity, onOverflow)

    /**
     * Sends an event to one socket and returns once the frame reached the kernel: node-ipc's
     * `ipc.server.emit(socket, type, data)`.
     *
     * Never blocks the caller's thread. Under `Backpressure.BLOCK`, when the connection is at its highWaterMarkBytes
     * (the peer reads slower than this side writes), it suspends until the frame fits ([IpcSocket.emitWhenWritable]);
     * frames waiting on one connection are accepted first come, first served, so none waits forever while others
     * are sent. Cancelling the caller while its frame waits withdraws the frame: it is never sent. A frame already
     * accepted (queued for the socket) goes out even when the caller is cancelled before it reached the kernel.
     * Either way a cancelled emit throws `CancellationException`.
     *
     * @param socket the target
     * @param type event type
     * @param data any value Jackson can write, a received [Message] (relayed as is), or null (sent as `{}`)
     * @throws IpcException `ECLOSED` when the connection closed first (or while the frame waited for room: then it
     *     was not sent), `EDATA` when data cannot be written as JSON, `EBACKPRESSURE` under `Backpressure.FAIL` (a
     *     full connection) or `DROP_OLDEST` (the frame was dropped for a newer one)
     */
    public suspend fun emit(socket: IpcSocket, type: String, data: Any? = null) {
        socket.emitWhenWritable(type, data).awaitSent()
    }

    /**
     * Sends an event to every connected socket and returns once it reached the kernel for each: node-ipc's
     * `ipc.server.broadcast(type, data)`.
     *
     * Never blocks the caller's thread and never waits for room: under `Backpressure.BLOCK`, as in Java, a socket at
     * its highWaterMarkBytes (or with frames waiting for room) fails its part with `EBACKPRESSURE` while the others
     * get the event, so one stuck socket cannot hold up the rest. To wait for room on each socket instead, [emit] to
     * each of [sockets].
     *
     * @param type event type
     * @param data as for [emit]
     * @throws IpcException when any socket failed
     */
    public suspend fun broadcast(type: String, data: Any? = null) {
        java.broadcast(type, data).awaitDone()
    }

    /**
     * Sends a request to one socket and suspends until its reply: [IpcSocket.request] as a suspend call. The peer
     * answers with `respond` (a Kotlin collector) or `Message.reply` (Java, a jipc client); a node-ipc peer never
     * answers, so the wait ends with the timeout.
     *
     * Cancelling the caller stops the wait: jipc forgets the request, and a reply that comes later is discarded. A
     * request frame that still waited for room (`Backpressure.BLOCK`, the connection at its mark) is withdrawn and
     * never sent; one already queued may have been sent (the peer may still act on it). Under BLOCK this suspends
     * while the frame waits for room; it never blocks the caller's thread.
     *
     * @param socket the target
     * @param type event type
     * @param data any value Jackson can write, a received [Message] (relayed as is), or null (sent as `{}`)
     * @param timeout how long to wait for the reply; null: the instance's requestTimeout (30 s by default)
     * @return the reply
     * @throws IpcException `ETIMEDOUT` (no reply in time), `ECLOSED` (the connection closed first), `EREMOTE` (the
     *     peer answered with an error; the message names its code, e.g. `ENOHANDLER` or `EHANDLER`), or the send's
     *     failure (`EDATA` when data cannot be written)
     */
    public suspend fun request(socket: IpcSocket, type: String, data: Any? = null, timeout: Duration? = null): Message =
        socket.request(type, data, timeout.toJipc()).awaitReply()

    /**
     * Stops: flushes and closes every client socket, stops listening, removes the socket file (node-ipc's
     * `ipc.server.stop()`), and completes every event flow of this server after the last `socket.disconnected`.
     * Returns when done; later calls wait for the first. Final: a stopped server cannot be started again. Not
     * cancellable once started. Ends the scope binding, if any.
     */
    public suspend fun stop() {
        closer.run()
        binding?.release()
    }

    /** Returns once the `start` event was delivered to the collections made before start. */
    internal suspend fun awaitStarted() {
        started.await()
    }

    internal fun bindTo(scope: CoroutineScope) {
        binding = ScopeBinding(scope, "jipc server ${java.address()}") { stop() }
    }

    /** Number of active collections of a type, or of all types (for tests). */
    internal fun collections(type: String? = null): Int = subscriptions.count(type)

    override fun toString(): String = "CoroutineServer(${java.address()})"
}

/**
 * The events of one type with their data bound to `T` ([decode]): the typed variant of [CoroutineServer.events].
 * The data is bound in the collector, so a value that does not fit `T` makes `collect` throw an [IpcException] with
 * code `EDATA` (ending that collection only).
 *
 * @param type event type
 * @param capacity events buffered for a collector that has not caught up
 * @param onOverflow what happens when the buffer is full
 * @return the typed events
 */
public inline fun <reified T> CoroutineServer.events(
    type: String,
    capacity: Int = DEFAULT_EVENT_CAPACITY,
    onOverflow: OverflowPolicy = OverflowPolicy.FAIL,
): Flow<ServerEvent<T>> {
    val ref = object : TypeReference<T>() {}
    return events(type, capacity, onOverflow).map { ServerEvent(it.data.`as`(ref), it.socket, it.data) }
}

/**
 * [CoroutineServer.request] with the reply's data bound to `T` ([decode]), e.g.
 * `server.request<Sum>(socket, "add", listOf(1, 2))`.
 *
 * @param socket the target
 * @param type event type
 * @param data as for [CoroutineServer.emit]
 * @param timeout how long to wait for the reply; null: the instance's requestTimeout
 * @return the reply's data
 * @throws IpcException as [CoroutineServer.request]; `EDATA` when the reply does not fit `T`
 */
public suspend inline fun <reified T> CoroutineServer.request(
    socket: IpcSocket,
    type: String,
    data: Any? = null,
    timeout: Duration? = null,
): T = request(socket, type, data, timeout).decode()

private val LOG: System.Logger = System.getLogger("io.jipc")

/** Logs an `error` event nobody collects, as jipc does for an error without handlers. */
internal fun logUnhandled(silent: Boolean, data: Message) {
    if (!silent) {
        LOG.log(System.Logger.Level.WARNING, "jipc error (no 'error' handler): "
                + data.error().map { it.message }.orElse(data.asText()))
    }
}
