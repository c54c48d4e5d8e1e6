package io.jipc.kotlin

import io.jipc.Ipc as JavaIpc
import io.jipc.Backpressure
import io.jipc.IpcConfig
import io.jipc.Transport
import io.jipc.Wire
import kotlin.time.Duration
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration
import kotlinx.coroutines.CoroutineScope

/** Marks the jipc configuration DSL, so an inner block cannot set an outer block's options by accident. */
@DslMarker
public annotation class IpcDsl

/**
 * Makes a jipc instance from a configuration block: node-ipc's `ipc.config.x = v` followed by `new ipc.IPC()`.
 *
 * ```
 * val ipc = Ipc { id = "hello"; retry = 1500.milliseconds; socketRoot = "/tmp/app/" }
 * ```
 *
 * Every option starts at node-ipc's default ([IpcConfig.defaults]). Without a [scope] the instance lives until
 * [CoroutineIpc.close]. With one, it is bound to it: cancelling the scope closes it (server stopped, clients
 * disconnected, I/O thread ended), and the scope does not complete before the instance was closed. A scope that is
 * already cancelled or completed is refused with `ESTATE` and nothing is made.
 *
 * @param scope the scope to bind the instance to, or null
 * @param configure sets options on an [IpcConfigBuilder]
 * @return the instance; its I/O thread starts with the first server or client
 * @throws IllegalArgumentException naming the option when a value is invalid
 * @throws IpcException `ESTATE` when [scope] is no longer active
 */
public fun Ipc(scope: CoroutineScope? = null, configure: IpcConfigBuilder.() -> Unit = {}): CoroutineIpc =
    Ipc(IpcConfigBuilder(IpcConfig.defaults()).apply(configure).build(), scope)

/**
 * Makes a jipc instance from a Java [IpcConfig] (a private copy is taken): node-ipc's `new ipc.IPC()`.
 *
 * @param config the configuration
 * @param scope the scope to bind the instance to, or null (see the other `Ipc` function)
 * @return the instance
 * @throws IllegalArgumentException naming the option when a value is invalid
 * @throws IpcException `ESTATE` when [scope] is no longer active
 */
public fun Ipc(config: IpcConfig, scope: CoroutineScope? = null): CoroutineIpc {
    scope.requireActiveToBind("Ipc(${config.id()})")
    return CoroutineIpc(JavaIpc.create(config), scope)
}

/**
 * Receiver of the [Ipc] configuration block: node-ipc's `ipc.config`, one property per option of [IpcConfig] (a
 * test keeps the two in step), with node-ipc's names and defaults and [Duration]s for times. Values are checked
 * when the block ends.
 *
 * The Java `executor` option is not offered: the flows of these bindings already move events off the I/O thread,
 * and an executor that runs handlers on several threads would reorder the events of a flow. Not thread-safe.
 */
@IpcDsl
public class IpcConfigBuilder internal constructor(private val config: IpcConfig) {
    /** Prefix of the socket file name: node-ipc `appspace`, default `"app."`. */
    public var appspace: String
        get() = config.appspace()
        set(value) {
            config.appspace(value)
        }

    /** Directory prefix of Unix socket files, concatenated as a string: node-ipc `socketRoot`, default `"/tmp/"`. */
    public var socketRoot: String
        get() = config.socketRoot()
        set(value) {
            config.socketRoot(value)
        }

    /** This process's id, used for the socket path of `serve()`: node-ipc `id`, default the host name. */
    public var id: String
        get() = config.id()
        set(value) {
            config.id(value)
        }

    /** Default TCP host: node-ipc `networkHost`, default `"localhost"`. */
    public var networkHost: String
        get() = config.networkHost()
        set(value) {
            config.networkHost(value)
        }

    /** Default TCP port (0: the OS chooses when serving): node-ipc `networkPort`, default 8000. */
    public var networkPort: Int
        get() = config.networkPort()
        set(value) {
            config.networkPort(value)
        }

    /** Node encoding name for text written in rawBuffer mode: node-ipc `encoding`, default `"utf8"`. */
    public var encoding: String
        get() = config.encoding()
        set(value) {
            config.encoding(value)
        }

    /** No framing; chunks arrive as `data` events: node-ipc `rawBuffer`, default false. */
    public var rawBuffer: Boolean
        get() = config.rawBuffer()
        set(value) {
            config.rawBuffer(value)
        }

    /** Frame terminator: node-ipc `delimiter`, default form feed `"\u000c"`. */
    public var delimiter: String
        get() = config.delimiter()
        set(value) {
            config.delimiter(value)
        }

    /** Clients send the next queued emit only after the server answered: node-ipc `sync`, default false. */
    public var sync: Boolean
        get() = config.sync()
        set(value) {
            config.sync(value)
        }

    /** Turns jipc's logging off: node-ipc `silent`, default false. */
    public var silent: Boolean
        get() = config.silent()
        set(value) {
            config.silent(value)
        }

    /** Connections a server accepts at once: node-ipc `maxConnections`, default 100. */
    public var maxConnections: Int
        get() = config.maxConnections()
        set(value) {
            config.maxConnections(value)
        }

    /** Delay before a client reconnects: node-ipc `retry`, default 500 ms. */
    public var retry: Duration
        get() = config.retry().toKotlinDuration()
        set(value) {
            config.retry(value.toJavaDuration())
        }

    /**
     * Reconnect attempts before a client gives up: node-ipc `maxRetries`, default [IpcConfig.MAX_RETRIES_UNLIMITED];
     * 0 never reconnects.
     */
    public var maxRetries: Int
        get() = config.maxRetries()
        set(value) {
            config.maxRetries(value)
        }

    /** A client never reconnects: node-ipc `stopRetrying`, default false. */
    public var stopRetrying: Boolean
        get() = config.stopRetrying()
        set(value) {
            config.stopRetrying(value)
        }

    /** Remove a stale socket file (one nobody answers on) before listening: node-ipc `unlink`, default true. */
    public var unlink: Boolean
        get() = config.unlink()
        set(value) {
            config.unlink(value)
        }

    /** Make the socket file readable by all users: node-ipc `readableAll`, default false. */
    public var readableAll: Boolean
        get() = config.readableAll()
        set(value) {
            config.readableAll(value)
        }

    /** Make the socket file writable by all users: node-ipc `writableAll`, default false. */
    public var writableAll: Boolean
        get() = config.writableAll()
        set(value) {
            config.writableAll(value)
        }

    /** Local end of client TCP connections, or null: node-ipc `interface`, default null. */
    public var interfaces: IpcConfig.Interfaces?
        get() = config.interfaces()
        set(value) {
            config.interfaces(value)
        }

    /** Largest frame accepted from a peer (jipc), default 16 MiB. */
    public var maxFrameBytes: Int
        get() = config.maxFrameBytes()
        set(value) {
            config.maxFrameBytes(value)
        }

    /** How long disconnect, stop and close wait for emitted data to reach the kernel (jipc), default 5 s. */
    public var flushTimeout: Duration
        get() = config.flushTimeout().toKotlinDuration()
        set(value) {
            config.flushTimeout(value.toJavaDuration())
        }

    /** Skip a malformed frame instead of closing the connection, as node-ipc 9 (jipc), default false. */
    public var skipMalformedFrames: Boolean
        get() = config.skipMalformedFrames()
        set(value) {
            config.skipMalformedFrames(value)
        }

    /** Let peers send built-in event names such as `connect`, as node-ipc 9 (jipc), default false. */
    public var allowReservedEvents: Boolean
        get() = config.allowReservedEvents()
        set(value) {
            config.allowReservedEvents(value)
        }

    /** TLS for `serveNet`/`connectToNet`, or null for plain TCP: node-ipc `tls`, default null. */
    public var tls: IpcConfig.Tls?
        get() = config.tls()
        set(value) {
            config.tls(value)
        }

    /**
     * Most bytes emitted on one connection that may wait to reach the kernel (jipc), default 8 MiB; at the mark,
     * [backpressure] decides. `Long.MAX_VALUE` turns the bound off.
     */
    public var highWaterMarkBytes: Long
        get() = config.highWaterMarkBytes()
        set(value) {
            config.highWaterMarkBytes(value)
        }

    /** What an emit does at the high-water mark (jipc), default [Backpressure.FAIL] (`EBACKPRESSURE`). */
    public var backpressure: Backpressure
        get() = config.backpressure()
        set(value) {
            config.backpressure(value)
        }

    /**
     * How long a peer may hold an incomplete frame before `error` (`ETIMEDOUT`) and close (jipc), default 30 s;
     * `Duration.ZERO` turns it off.
     */
    public var partialFrameTimeout: Duration
        get() = config.partialFrameTimeout().toKotlinDuration()
        set(value) {
            config.partialFrameTimeout(value.toJavaDuration())
        }

    /** Clients: messages kept, in order, while reconnecting (jipc), default 0 (off: such emits fail). */
    public var offlineQueue: Int
        get() = config.offlineQueue()
        set(value) {
            config.offlineQueue(value)
        }

    /** The codec (jipc, `proto/README.md`): servers default to [Wire.AUTO], clients speak JSON unless [Wire.PROTO]. */
    public var wire: Wire
        get() = config.wire()
        set(value) {
            config.wire(value)
        }

    /** AUTO servers: how long emits to a new connection wait for its first byte (jipc), default 200 ms. */
    public var wireDetectTimeout: Duration
        get() = config.wireDetectTimeout().toKotlinDuration()
        set(value) {
            config.wireDetectTimeout(value.toJavaDuration())
        }

    /** Default timeout of a request (jipc), default 30 s (`ETIMEDOUT`). */
    public var requestTimeout: Duration
        get() = config.requestTimeout().toKotlinDuration()
        set(value) {
            config.requestTimeout(value.toJavaDuration())
        }

    /** The socket implementation (jipc), default [Transport.AUTO]; `-Djipc.transport` overrides it. */
    public var transport: Transport
        get() = config.transport()
        set(value) {
            config.transport(value)
        }

    /**
     * How long the I/O thread polls without blocking before it waits (jipc), default zero (off), at most
     * [IpcConfig.BUSY_POLL_MAX]: lower latency for a busy core while traffic flows.
     */
    public var busyPoll: Duration
        get() = config.busyPoll().toKotlinDuration()
        set(value) {
            config.busyPoll(value.toJavaDuration())
        }

    /**
     * Servers on Unix sockets: the only user ids whose connections are accepted (jipc), default empty (every uid the
     * socket file's mode lets in).
     */
    public var allowedUids: Set<Int>
        get() = config.allowedUids()
        set(value) {
            config.allowedUids(*value.toIntArray())
        }

    /**
     * TLS (jipc): how long a handshake may take from accept (or TCP connect) on before `error` (`ETIMEDOUT`) and
     * close, default 10 s.
     */
    public var handshakeTimeout: Duration
        get() = config.handshakeTimeout().toKotlinDuration()
        set(value) {
            config.handshakeTimeout(value.toJavaDuration())
        }

    /**
     * How long a connection may receive nothing before `error` (`ETIMEDOUT`) and close (jipc), default
     * `Duration.ZERO` (off, as node-ipc); any bytes received restart the clock.
     */
    public var idleTimeout: Duration
        get() = config.idleTimeout().toKotlinDuration()
        set(value) {
            config.idleTimeout(value.toJavaDuration())
        }

    internal fun build(): IpcConfig = config.copy().validate()
}
