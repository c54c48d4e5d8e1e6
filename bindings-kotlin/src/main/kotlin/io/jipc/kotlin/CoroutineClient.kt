package io.jipc.kotlin

import com.fasterxml.jackson.core.type.TypeReference
import io.jipc.ClientHandler
import io.jipc.ConnectionState
import io.jipc.IpcClient
import io.jipc.IpcException
import io.jipc.Message
import kotlin.time.Duration
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.map

/**
 * A connection to a server for coroutines: node-ipc's `ipc.of[id]`, made by [CoroutineIpc.connectTo] or
 * [CoroutineIpc.connectToNet], which return once it is connected.
 *
 * After a lost connection it reconnects per the instance's `retry` / `maxRetries` / `stopRetrying`; [state] follows
 * that cycle. Events arrive through cold [events] flows; each collection registers its own handler and buffer and
 * removes them when it ends. Every flow completes normally after the client's `destroy` event (it gave up, or was
 * disconnected), once that event was delivered. Thread-safe.
 *
 * @property java the underlying Java client, for what these bindings do not wrap
 */
public class CoroutineClient internal constructor(
    public val java: IpcClient,
    private val waitForServer: Boolean,
    private val silent: Boolean,
    private val onDestroyed: (CoroutineClient) -> Unit = {},
) {
    private val subscriptions = Subscriptions<Message> { it }
    private val mutableState = MutableStateFlow(ConnectionState.CONNECTING)
    private val connected = CompletableDeferred<Unit>()

    /** The last connection error while connecting for the first time (I/O thread only). */
    private var connectError: IpcException? = null

    @Volatile
    private var binding: ScopeBinding? = null

    /** Set by [disconnect] and by the instance's close: a connect still waiting then ends with `ECLOSED`. */
    @Volatile
    private var closeRequested = false

    /**
     * The one jipc handler of this client (a catch-all): updates [state], hands the event to every collection, and
     * only then signals connect's caller or completes the flows, so a collection made after `connectTo` returned
     * never sees the `connect` event it returned for.
     */
    private val dispatcher = ClientHandler { data ->
        val type = data.type()
        var connectFailure: IpcException? = null
        when (type) {
            "connect" -> mutableState.value = ConnectionState.CONNECTED
            "disconnect" -> mutableState.value = ConnectionState.DISCONNECTED
            "destroy" -> mutableState.value = ConnectionState.DESTROYED
            "error" -> if (!connected.isCompleted) {
                connectFailure = data.error().orElseGet { IpcException(IpcException.EIO, data.asText()) }
                connectError = connectFailure
            } else if (!subscriptions.hasListeners("error")) {
                logUnhandled(silent, data)
            }
        }
        subscriptions.dispatch(type, data)
        when {
            type == "connect" -> connected.complete(Unit)
            connectFailure != null && !waitForServer -> connected.completeExceptionally(connectFailure)
            type == "destroy" -> {
                val last = connectError
                connected.completeExceptionally(if (closeRequested || last == null) {
                    IpcException(IpcException.ECLOSED, "connect ${java.id()}: the client was disconnected "
                            + "(disconnect or close) before it connected", last)
                } else {
                    last // it gave up: maxRetries reached or stopRetrying
                })
                subscriptions.closeAll()
                binding?.release()
                onDestroyed(this)
            }
        }
    }

    init {
        java.on("*", dispatcher)
    }

    /** The id this client was made with: the key of node-ipc's `ipc.of[id]`. */
    public val id: String get() = java.id()

    /**
     * The connection state, driven by the client's `connect`, `disconnect` and `destroy` events: `CONNECTED` after
     * `connect`; `DISCONNECTED` after a lost connection, until the next `connect` (retries included); `DESTROYED`,
     * final, once the client gave up or was disconnected. As any [StateFlow] it is conflated: a collector slower than
     * a quick disconnect-reconnect may see only the last state.
     */
    public val state: StateFlow<ConnectionState> = mutableState.asStateFlow()

    /**
     * The events of one type as a cold flow: node-ipc's `ipc.of[id].on(type, data => ...)`. Each collection adds a
     * handler when `collect` is called and removes it when the collection ends (cancelled, completed by an operator
     * such as `first()`, or failed). To be sure a collection is registered before something it must see happens
     * (before an emit whose answer it waits for), start it with `launch(start = CoroutineStart.UNDISPATCHED)` or
     * `async(start = CoroutineStart.UNDISPATCHED)`. The type `"*"` receives every event, built-in ones included;
     * read the type from `data.type()`.
     *
     * Each collection buffers up to [capacity] events for its collector; past that, [onOverflow] applies (see
     * [OverflowPolicy]). An exception thrown by the collector ends that collection only, as for any flow: it is
     * thrown from `collect`, the handler is removed, and the connection, the other collections and the I/O thread
     * go on.
     *
     * A server may send requests to its clients: they are answered as on a server (see [CoroutineServer.events]):
     * `ENOHANDLER` for a type nobody collects, `EHANDLER` when the collector throws before [respond]ing, and an
     * error at once for a request a collection drops. Under the default [OverflowPolicy.FAIL] a collection is ended
     * with `EOVERFLOW` once its collector is [capacity] events behind (1024 by default).
     *
     * @param type event type, a built-in event name (`connect`, `disconnect`, `destroy`, `error`, `data`), or `"*"`
     * @param capacity events buffered for a collector that has not caught up, at least 1
     * @param onOverflow what happens when the buffer is full
     * @return the events, completing after `destroy`
     */
    public fun events(
        type: String,
        capacity: Int = DEFAULT_EVENT_CAPACITY,
        onOverflow: OverflowPolicy = OverflowPolicy.FAIL,
    ): Flow<Message> = subscriptions.flow(type, capacity, onOverflow)

    /**
     * Sends an event and returns once the frame reached the kernel: node-ipc's `ipc.of[id].emit(type, data)`.
     *
     * Never blocks the caller's thread. Under `Backpressure.BLOCK`, when the connection is at its highWaterMarkBytes
     * (the peer reads slower than this side writes), it suspends until the frame fits ([IpcClient.emitWhenWritable]);
     * frames waiting on one connection are accepted first come, first served, so none waits forever while others
     * are sent. Cancelling the caller while its frame waits withdraws the frame: it is never sent. A frame already
     * accepted (queued for the socket) goes out even when the caller is cancelled before it reached the kernel.
     * Either way a cancelled emit throws `CancellationException`.
     *
     * @param type event type
     * @param data any value Jackson can write, a received [Message] (relayed as is), or null (sent as `{}`)
     * @throws IpcException `ENOTCONNECTED` while waiting to reconnect or after destroy, `ECLOSED` when the connection
     *     closed before the frame was written (or while it waited for room: then it was not sent), `EDATA` when data
     *     cannot be written as JSON, `EBACKPRESSURE` under `Backpressure.FAIL` (a full connection) or
     *     `DROP_OLDEST` (the frame was dropped for a newer one)
     */
    public suspend fun emit(type: String, data: Any? = null) {
        java.emitWhenWritable(type, data).awaitSent()
    }

    /**
     * Sends a request and suspends until the server's reply: [IpcClient.request] as a suspend call. A Kotlin server
     * answers with `respond` from its collector, a Java one with `Message.reply`; a node-ipc server never answers, so
     * the wait ends with the timeout.
     *
     * Cancelling the caller stops the wait: jipc forgets the request, and a reply that comes later is discarded. A
     * request frame that still waited for room (`Backpressure.BLOCK`, the connection at its mark) is withdrawn and
     * never sent; one already queued may have been sent (the server may still act on it). Under BLOCK this suspends
     * while the frame waits for room; it never blocks the caller's thread.
     *
     * @param type event type
     * @param data any value Jackson can write, a received [Message] (relayed as is), or null (sent as `{}`)
     * @param timeout how long to wait for the reply; null: the instance's requestTimeout (30 s by default)
     * @return the reply
     * @throws IpcException `ETIMEDOUT` (no reply in time), `ECLOSED` (the connection closed first), `EREMOTE` (the
     *     server answered with an error; the message names its code, e.g. `ENOHANDLER`: nobody collects the type,
     *     or `EHANDLER`: its collector threw), `ENOTCONNECTED` while waiting to reconnect or after destroy, or the
     *     send's failure (`EDATA` when data cannot be written)
     */
    public suspend fun request(type: String, data: Any? = null, timeout: Duration? = null): Message =
        java.request(type, data, timeout.toJipc()).awaitReply()

    /**
     * Closes for good after flushing what was emitted before (bounded by flushTimeout), fires `disconnect` and
     * `destroy`, completes every event flow of this client and returns: node-ipc's `ipc.disconnect(id)`, which
     * does not flush. Cancelling the caller stops the wait, not the disconnect. Ends the scope binding, if any.
     */
    public suspend fun disconnect() {
        closeRequested = true
        java.disconnect().awaitDone()
        binding?.release()
    }

    /** Marks this client as closed on purpose before its instance closes it (see [closeRequested]). */
    internal fun closing() {
        closeRequested = true
    }

    internal suspend fun awaitConnected() {
        connected.await()
    }

    internal fun bindTo(scope: CoroutineScope) {
        binding = ScopeBinding(scope, "jipc client ${java.id()}") { disconnect() }
        if (mutableState.value == ConnectionState.DESTROYED) {
            binding?.release()
        }
    }

    /** Number of active collections of a type, or of all types (for tests). */
    internal fun collections(type: String? = null): Int = subscriptions.count(type)

    override fun toString(): String = "CoroutineClient(${java.id()}, ${mutableState.value})"
}

/**
 * The events of one type with their data bound to `T` ([decode]): the typed variant of [CoroutineClient.events],
 * e.g. `client.events<Greeting>("greeting")`. The data is bound in the collector, so a value that does not fit `T`
 * makes `collect` throw an [IpcException] with code `EDATA` (ending that collection only).
 *
 * @param type event type
 * @param capacity events buffered for a collector that has not caught up
 * @param onOverflow what happens when the buffer is full
 * @return the typed data of the events
 */
public inline fun <reified T> CoroutineClient.events(
    type: String,
    capacity: Int = DEFAULT_EVENT_CAPACITY,
    onOverflow: OverflowPolicy = OverflowPolicy.FAIL,
): Flow<T> {
    val ref = object : TypeReference<T>() {}
    return events(type, capacity, onOverflow).map { it.`as`(ref) }
}

/**
 * [CoroutineClient.request] with the reply's data bound to `T` ([decode]), e.g.
 * `client.request<Sum>("add", listOf(1, 2))`.
 *
 * @param type event type
 * @param data as for [CoroutineClient.emit]
 * @param timeout how long to wait for the reply; null: the instance's requestTimeout
 * @return the reply's data
 * @throws IpcException as [CoroutineClient.request]; `EDATA` when the reply does not fit `T`
 */
public suspend inline fun <reified T> CoroutineClient.request(
    type: String,
    data: Any? = null,
    timeout: Duration? = null,
): T = request(type, data, timeout).decode()
