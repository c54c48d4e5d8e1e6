package io.jipc.kotlin.bench

import io.jipc.Ipc as JavaIpc
import io.jipc.ClientHandler
import io.jipc.IpcConfig
import io.jipc.IpcServer
import io.jipc.SignalHandler
import io.jipc.kotlin.Ipc
import io.jipc.kotlin.emitBack
import java.nio.file.Files
import java.nio.file.Path
import java.util.Locale
import java.util.concurrent.CountDownLatch
import java.util.concurrent.SynchronousQueue
import java.util.concurrent.TimeUnit
import kotlin.io.path.deleteIfExists
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.takeWhile
import kotlinx.coroutines.launch
import kotlinx.coroutines.newSingleThreadContext
import kotlinx.coroutines.runBlocking

/**
 * Ping-pong round trips over a Unix socket in one JVM: what the coroutine/Flow bridge adds over the Java API.
 * Not a test; run it by hand (see the module's notes). Arguments: `[warmup] [iters] [payloadChars]`.
 *
 * Each mode times one round trip from just before the ping is emitted to the moment the client code holding the
 * pong starts running, into a preallocated array:
 * - `java-handler`: Java server handler answers; the Java client emits the next ping from its pong handler, on the
 *   client's I/O thread (jipc's own bench does this; no thread hand-off on the client).
 * - `java-blocking`: same server; a plain thread emits and blocks on a queue the pong handler fills (one hand-off
 *   each way, the fair baseline for a coroutine that runs off the I/O thread).
 * - `kotlin-client`: same Java server; the client is `events("pong").collect { ...; emit("ping") }` in
 *   `runBlocking` (suspend emit, one Flow collection).
 * - `kotlin-noawait`: as `kotlin-client`, but the collector sends with the Java `emit` and does not wait for the
 *   write: what "emit suspends until written" costs.
 * - `kotlin-both`: the server is also Kotlin: `events("ping").collect { it.emitBack("pong", it.data) }` on its own
 *   single-thread dispatcher.
 */
internal fun main(args: Array<String>) {
    val warmup = args.getOrNull(0)?.toInt() ?: 20_000
    val iters = args.getOrNull(1)?.toInt() ?: 100_000
    val payload = "x".repeat(args.getOrNull(2)?.toInt() ?: 16)
    println("jipc-kotlin RTT: Unix socket, one JVM, warmup=$warmup iters=$iters payload=${payload.length} chars, "
            + "${Runtime.getRuntime().availableProcessors()} cpus, ${System.getProperty("java.vm.name")} "
            + System.getProperty("java.version"))
    for (mode in listOf("java-handler", "java-blocking", "kotlin-client", "kotlin-noawait", "kotlin-both")) {
        val root = Files.createTempDirectory(Path.of("/tmp"), "jkb")
        try {
            val rtt = LongArray(iters)
            when (mode) {
                "java-handler" -> javaHandler("$root/", payload, warmup, rtt)
                "java-blocking" -> javaBlocking("$root/", payload, warmup, rtt)
                "kotlin-client" -> kotlinClient("$root/", payload, warmup, rtt, kotlinServer = false, await = true)
                "kotlin-noawait" -> kotlinClient("$root/", payload, warmup, rtt, kotlinServer = false, await = false)
                else -> kotlinClient("$root/", payload, warmup, rtt, kotlinServer = true, await = true)
            }
            rtt.sort()
            println(String.format(Locale.ROOT, "%-14s median=%7.2f us  p99=%7.2f us  p99.9=%8.2f us", mode,
                    rtt[iters / 2] / 1e3, rtt[(iters * 0.99).toInt()] / 1e3, rtt[(iters * 0.999).toInt()] / 1e3))
        } finally {
            Files.list(root).use { files -> files.forEach { it.deleteIfExists() } }
            root.deleteIfExists()
        }
    }
}

private fun config(id: String, root: String): IpcConfig = IpcConfig.defaults().id(id).socketRoot(root).silent(true)

private fun javaServer(root: String): JavaIpc {
    val world = JavaIpc.create(config("world", root))
    val server: IpcServer = world.serve()
    server.on("ping") { data, socket -> socket.emit("pong", data) }
    server.start()
    return world
}

private fun javaHandler(root: String, payload: String, warmup: Int, rtt: LongArray) {
    val world = javaServer(root)
    val hello = JavaIpc.create(config("hello", root))
    val done = CountDownLatch(1)
    val connected = CountDownLatch(1)
    val total = warmup + rtt.size
    var n = 0
    var start = 0L
    val client = hello.connectTo("world") { c ->
        c.on("connect", SignalHandler { connected.countDown() })
        c.on("pong", ClientHandler {
            val now = System.nanoTime()
            val k = n++
            if (k >= warmup) {
                rtt[k - warmup] = now - start
            }
            if (n < total) {
                start = System.nanoTime()
                c.emit("ping", payload)
            } else {
                done.countDown()
            }
        })
    }
    check(connected.await(10, TimeUnit.SECONDS)) { "not connected" }
    start = System.nanoTime()
    client.emit("ping", payload)
    check(done.await(300, TimeUnit.SECONDS)) { "java-handler: no result ($n round trips)" }
    hello.close()
    world.close()
}

private fun javaBlocking(root: String, payload: String, warmup: Int, rtt: LongArray) {
    val world = javaServer(root)
    val hello = JavaIpc.create(config("hello", root))
    val pongs = SynchronousQueue<Long>()
    val connected = CountDownLatch(1)
    val client = hello.connectTo("world") { c ->
        c.on("connect", SignalHandler { connected.countDown() })
        c.on("pong", ClientHandler { pongs.put(System.nanoTime()) })
    }
    check(connected.await(10, TimeUnit.SECONDS)) { "not connected" }
    for (k in 0 until warmup + rtt.size) {
        val start = System.nanoTime()
        client.emit("ping", payload)
        pongs.take()
        val now = System.nanoTime()
        if (k >= warmup) {
            rtt[k - warmup] = now - start
        }
    }
    hello.close()
    world.close()
}

@OptIn(ExperimentalCoroutinesApi::class, kotlinx.coroutines.DelicateCoroutinesApi::class)
private fun kotlinClient(
    root: String,
    payload: String,
    warmup: Int,
    rtt: LongArray,
    kotlinServer: Boolean,
    await: Boolean,
) {
    val serverThread = newSingleThreadContext("kotlin-server")
    try {
        runBlocking {
            val javaWorld = if (kotlinServer) null else javaServer(root)
            val world = if (kotlinServer) Ipc { id = "world"; socketRoot = root; silent = true } else null
            world?.serve {
                launch(serverThread, start = CoroutineStart.UNDISPATCHED) {
                    events("ping").collect { it.emitBack("pong", it.data) }
                }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world")
            val total = warmup + rtt.size
            var n = 0
            var start = 0L
            val finished = CompletableDeferred<Unit>()
            launch(start = CoroutineStart.UNDISPATCHED) {
                client.events("pong").takeWhile { n < total }.collect {
                    val now = System.nanoTime()
                    val k = n++
                    if (k >= warmup) {
                        rtt[k - warmup] = now - start
                    }
                    if (n < total) {
                        start = System.nanoTime()
                        if (await) client.emit("ping", payload) else client.java.emit("ping", payload)
                    } else {
                        finished.complete(Unit)
                    }
                }
            }
            start = System.nanoTime()
            client.emit("ping", payload)
            finished.await()
            hello.close()
            world?.close()
            javaWorld?.close()
        }
    } finally {
        serverThread.close()
    }
}
