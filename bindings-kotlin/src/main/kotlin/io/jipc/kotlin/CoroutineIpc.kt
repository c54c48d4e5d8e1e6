package io.jipc.kotlin

import io.jipc.Ipc as JavaIpc
import io.jipc.IpcClient
import io.jipc.IpcConfig
import io.jipc.IpcException
import io.jipc.IpcServer
import java.util.concurrent.ConcurrentHashMap
import java.util.function.Consumer
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.isActive
import kotlinx.coroutines.withContext

/**
 * One jipc instance for coroutines: node-ipc's `new ipc.IPC()`, made by [Ipc]. It has at most one listening server
 * and any number of clients, all served by one I/O thread, which starts with the first server or client and ends
 * with [close].
 *
 * ```
 * val world = Ipc(scope) { id = "world"; socketRoot = root }
 * val server = world.serve {
 *     scope.launch(start = CoroutineStart.UNDISPATCHED) {
 *         events("message").collect { (data, socket) -> emit(socket!!, "message", data.asText() + " world!") }
 *     }
 * }
 * ```
 *
 * Thread-safe. The suspend functions never block their caller's thread: jipc calls that wait (stop, close) run on
 * [Dispatchers.IO], and an emit (`emit`, `emitBack`), a request or an answer to one (`request`, `respond`,
 * `respondError`) under `Backpressure.BLOCK` suspends until its frame fits under highWaterMarkBytes, holding no
 * thread; cancelling it withdraws a frame that was still waiting (see [CoroutineClient.emit]): a cancelled request
 * whose frame was still waiting is never sent.
 *
 * @property java the underlying Java instance, for what these bindings do not wrap
 */
public class CoroutineIpc internal constructor(public val java: JavaIpc, scope: CoroutineScope?) {
    private val closer = CloseOnce { java.close() }

    @Volatile
    private var server: CoroutineServer? = null

    /** The clients not yet destroyed, so [close] can tell a connect still waiting that it was closed. */
    private val clients: MutableSet<CoroutineClient> = ConcurrentHashMap.newKeySet()

    private val binding: ScopeBinding? = scope?.let { ScopeBinding(it, "jipc ${java.config().id()}") { close() } }

    /** A copy of this instance's configuration. */
    public val config: IpcConfig get() = java.config()

    /**
     * Serves on a Unix socket and returns once listening: node-ipc's `ipc.serve([path], callback)` followed by
     * `ipc.server.start()`.
     *
     * [setup] runs before the server listens, so collections started in it see every event, the first `connect`
     * included. A collection is registered when `collect` is called, so start it with
     * `launch(start = CoroutineStart.UNDISPATCHED)` to have it registered by the time `setup` returns.
     *
     * @param path the socket file path, or null for `socketRoot + appspace + id`
     * @param scope the scope to bind the server to (cancelling it stops the server), or null. A scope already
     *     cancelled or completed is refused with `ESTATE` before anything listens; one cancelled while serve runs
     *     makes it stop the server and throw `ESTATE` (or the caller's cancellation, when the caller is cancelled too)
     * @param setup runs with the server before it listens
     * @return the listening server
     * @throws IpcException when it cannot listen: a live server at the path (`EADDRINUSE`), a path that is not a
     *     socket, no permission; or `ESTATE` when this instance already has a listening server or [scope] is no
     *     longer active
     */
    public suspend fun serve(
        path: String? = null,
        scope: CoroutineScope? = null,
        setup: CoroutineServer.() -> Unit = {},
    ): CoroutineServer {
        scope.requireActiveToBind("serve")
        return start(if (path == null) java.serve() else java.serve(path), scope, setup)
    }

    /**
     * Serves over TCP and returns once listening: node-ipc's `ipc.serveNet([host], [port], callback)` followed by
     * `ipc.server.start()`. With port 0 the OS chooses; read it from [CoroutineServer.address].
     *
     * @param host host name or address to bind, default networkHost
     * @param port the port, default networkPort
     * @param scope the scope to bind the server to (cancelling it stops the server), or null; as in [serve]
     * @param setup runs with the server before it listens (see [serve])
     * @return the listening server
     * @throws IpcException when it cannot listen (a port in use, no permission); `ESTATE` when [scope] is no longer
     *     active
     */
    public suspend fun serveNet(
        host: String = java.config().networkHost(),
        port: Int = java.config().networkPort(),
        scope: CoroutineScope? = null,
        setup: CoroutineServer.() -> Unit = {},
    ): CoroutineServer {
        scope.requireActiveToBind("serveNet")
        return start(java.serveNet(host, port), scope, setup)
    }

    private suspend fun start(made: IpcServer, scope: CoroutineScope?, setup: CoroutineServer.() -> Unit): CoroutineServer {
        val server = CoroutineServer(made, java.config().silent())
        server.setup()
        this.server = server // from here close() stops it, even while it starts
        try {
            withContext(Dispatchers.IO) { made.start() }
            server.awaitStarted()
        } catch (e: Throwable) {
            server.stop() // listening if only the wait was cancelled; closes the flows setup started either way
            throw e
        }
        if (scope != null) {
            server.bindTo(scope)
            if (!scope.isActive) { // cancelled while it started: the binding is stopping it
                server.stop()
                throw scopeNotActive("serve ${made.address()}")
            }
        }
        return server
    }

    /**
     * Connects to the Unix socket server with that id and returns once connected (the `connect` event fired):
     * node-ipc's `ipc.connectTo(id, [path], callback)` and its `connect` event.
     *
     * [setup] runs before the first connection attempt, so collections started in it (with
     * `launch(start = CoroutineStart.UNDISPATCHED)`) miss no event.
     *
     * When an attempt fails: with [waitForServer] false (default) the error is thrown at once and the client is
     * released; with true the client retries every `retry` up to `maxRetries` times (unlimited by default: bound the
     * wait with `withTimeout`), and this throws the last error once it gives up. Cancelling the caller disconnects
     * the client and throws the cancellation; [close] while it waits makes it throw `ECLOSED`, with the last connect
     * error as its cause. Once connected, the client reconnects after a lost connection as configured, whatever
     * [waitForServer] was; follow it through [CoroutineClient.state].
     *
     * @param id the server's id; also the client's key in this instance
     * @param path the socket file path, or null for `socketRoot + appspace + id`
     * @param scope the scope to bind the client to (cancelling it disconnects the client), or null. A scope already
     *     cancelled or completed is refused with `ESTATE` before any connection attempt; one cancelled while connect
     *     runs makes it disconnect the client and throw `ESTATE` (or the caller's cancellation)
     * @param waitForServer whether failed attempts are retried before connect gives up
     * @param setup runs with the client before it connects
     * @return the connected client
     * @throws IpcException the connection error (`ENOENT`: no socket file, `ECONNREFUSED`: nobody listening, ...);
     *     `ECLOSED` when closed while waiting; `ESTATE` when this instance already has a live client with that id or
     *     [scope] is no longer active
     */
    public suspend fun connectTo(
        id: String,
        path: String? = null,
        scope: CoroutineScope? = null,
        waitForServer: Boolean = false,
        setup: CoroutineClient.() -> Unit = {},
    ): CoroutineClient = connect(id, scope, waitForServer, setup) { consumer ->
        if (path == null) java.connectTo(id, consumer) else java.connectTo(id, path, consumer)
    }

    /**
     * Connects over TCP and returns once connected: node-ipc's `ipc.connectToNet(id, [host], [port], callback)`.
     * Failures, retries and [setup] behave as in [connectTo].
     *
     * @param id key of the client in this instance
     * @param host host name or address, default networkHost
     * @param port the port, default networkPort
     * @param scope the scope to bind the client to (cancelling it disconnects the client), or null; as in [connectTo]
     * @param waitForServer whether failed attempts are retried before connect gives up
     * @param setup runs with the client before it connects
     * @return the connected client
     * @throws IpcException the connection error; `ECLOSED` when closed while waiting; `ESTATE` when a live client
     *     with that id exists or [scope] is no longer active
     */
    public suspend fun connectToNet(
        id: String,
        host: String = java.config().networkHost(),
        port: Int = java.config().networkPort(),
        scope: CoroutineScope? = null,
        waitForServer: Boolean = false,
        setup: CoroutineClient.() -> Unit = {},
    ): CoroutineClient = connect(id, scope, waitForServer, setup) { consumer ->
        java.connectToNet(id, host, port, consumer)
    }

    private suspend fun connect(
        id: String,
        scope: CoroutineScope?,
        waitForServer: Boolean,
        setup: CoroutineClient.() -> Unit,
        open: (Consumer<IpcClient>) -> IpcClient,
    ): CoroutineClient {
        scope.requireActiveToBind("connectTo(\"$id\")")
        var made: CoroutineClient? = null
        val existing = open(Consumer { c ->
            val client = CoroutineClient(c, waitForServer, java.config().silent(), clients::remove)
            clients.add(client)
            if (closer.isClosed) {
                client.closing()
            }
            made = client
            client.setup()
        })
        val client = made ?: throw IpcException(IpcException.ESTATE,
                "connectTo(\"$id\"): this Ipc already has a client with "
                + "that id (state ${existing.state()}); disconnect it first or use another id")
        try {
            client.awaitConnected()
        } catch (e: Throwable) {
            withContext(NonCancellable) { client.disconnect() }
            throw e
        }
        if (scope != null) {
            client.bindTo(scope)
            if (!scope.isActive) { // cancelled while it connected: the binding is disconnecting it
                client.disconnect()
                throw scopeNotActive("connectTo(\"$id\")")
            }
        }
        return client
    }

    /**
     * Stops the server, disconnects every client (each flushing first, bounded by flushTimeout) and ends the I/O
     * thread; every event flow of this instance completes. Returns when all of it is done; later calls wait for the
     * first. Not cancellable once started. Ends the scope binding, if any.
     */
    public suspend fun close() {
        server?.stop()
        clients.forEach { it.closing() }
        closer.run()
        binding?.release()
    }

    override fun toString(): String = "CoroutineIpc(${java.config()})"
}
