package io.jipc.kotlin

import io.jipc.Backpressure
import io.jipc.ClientHandler
import io.jipc.Ipc as JavaIpc
import io.jipc.IpcConfig
import io.jipc.IpcSocket
import io.jipc.ServerHandler
import io.jipc.SignalHandler
import java.time.Duration
import java.util.concurrent.BlockingQueue
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicLong
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExecutorCoroutineDispatcher
import kotlinx.coroutines.Job
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Emits and requests under `Backpressure.BLOCK` to a peer that reads nothing suspend instead of blocking: on a single-thread
 * dispatcher, other coroutines keep running while 64 emitters wait for room, cancelled emitters finish while the peer
 * still reads nothing and their frames are never sent, and the frames of the others arrive in order once it reads.
 */
internal class BlockingEmitTest {
    private val pad = "x".repeat(16 * 1024)
    private val release = CountDownLatch(1)
    private val closers = mutableListOf<() -> Unit>()
    private val one: ExecutorCoroutineDispatcher = Executors.newSingleThreadExecutor().asCoroutineDispatcher()

    @AfterEach
    fun closeAll() {
        release.countDown()
        closers.asReversed().forEach { it() }
        one.close()
    }

    private fun blockConfig(root: String, id: String): IpcConfig = IpcConfig.defaults().id(id).socketRoot(root)
        .silent(true).highWaterMarkBytes(MARK).backpressure(Backpressure.BLOCK).retry(Duration.ofMillis(50))

    /** Waits (the test thread, not the dispatcher's) until [ready] holds; a hang guard, not a timing assertion. */
    private fun awaitTrue(what: String, ready: () -> Boolean) {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
        while (!ready()) {
            if (System.nanoTime() > deadline) {
                release.countDown() // the peer reads again, so that emitters blocking a thread can end
                throw AssertionError(what)
            }
            Thread.sleep(5)
        }
    }

    /**
     * Launches [EMITTERS] emitters on the single-thread dispatcher, each sending one 16 KiB frame numbered by its
     * index, and a ticker that counts its turns; checks that the ticker keeps running while emitters are stuck, then
     * cancels the odd emitters still running and returns the indices that must arrive, in order, and the cancelled
     * ones.
     */
    private fun CoroutineScope.emitStuck(emit: suspend (Int) -> Unit): Pair<List<Int>, List<Int>> {
        val finished = BooleanArray(EMITTERS)
        val ticks = AtomicLong()
        val ticker = launch(one) {
            while (isActive) {
                ticks.incrementAndGet()
                delay(1)
            }
        }
        val emitters = (0 until EMITTERS).map { i ->
            launch(one) {
                emit(i)
                finished[i] = true
            }
        }
        // while emitters are stuck (the peer reads nothing), the dispatcher's one thread still runs the ticker
        val before = ticks.get()
        awaitTrue("the ticker did not run while emits waited: the dispatcher's thread is blocked") {
            ticks.get() > before + 100
        }
        val stuck = runBlocking(one) { (0 until EMITTERS).filter { !finished[it] } }
        assertTrue(stuck.size >= 16, "only ${stuck.size} emitters wait although the peer reads nothing")
        assertTrue(emitters.last().isActive)

        // cancel the odd emitters still running: they finish while the peer still reads nothing
        val cancelled = stuck.filter { it % 2 == 1 }
        runBlocking {
            withTimeout(30_000) { // hang guard only
                cancelled.map { emitters[it] }.forEach { it.cancelAndJoin() }
            }
        }
        assertTrue(cancelled.all { emitters[it].isCancelled })
        assertFalse(emitters[stuck.last { it % 2 == 0 }].isCompleted,
            "an emitter not cancelled finished although the peer reads nothing")
        ticker.cancel()
        return Pair((0 until EMITTERS).filter { it !in cancelled }, cancelled)
    }

    /**
     * Checks what the peer received once it reads again: every frame of the emitters not cancelled, in order; of the
     * cancelled ones, at most those already accepted when they were cancelled (the first few in line), never one
     * behind a frame that was withdrawn.
     */
    private fun assertDelivered(got: BlockingQueue<Int>, kept: List<Int>, cancelled: List<Int>) {
        val delivered = mutableListOf<Int>()
        var missing = kept.toMutableList()
        while (missing.isNotEmpty()) {
            val n = got.poll(30, TimeUnit.SECONDS)
            assertNotNull(n, "frames of emitters not cancelled did not arrive: $missing")
            delivered.add(n!!)
            missing = missing.filter { it != n }.toMutableList()
        }
        assertEquals(delivered.sorted(), delivered, "frames arrive in the order of their emits")
        val sentAfterCancel = cancelled.filter { it in delivered }
        assertTrue(sentAfterCancel.size < cancelled.size, "every cancelled emit's frame was sent")
        assertEquals(cancelled.take(sentAfterCancel.size), sentAfterCancel,
            "a cancelled frame was sent although an earlier one was withdrawn (only frames accepted before the cancel "
                + "go out, and they are accepted in order)")
    }

    /**
     * The peer of the client tests: a Java server "world" whose I/O thread is held in "stall" until release, so it
     * reads nothing meanwhile; it records the `n` of every "seq" event, and answers it when [answer].
     */
    private fun stallingServer(root: String, answer: Boolean): BlockingQueue<Int> {
        val server = JavaIpc.create(IpcConfig.defaults().id("world").socketRoot(root).silent(true))
        closers.add { server.close() }
        val got = LinkedBlockingQueue<Int>()
        server.serve().apply {
            on("stall", ServerHandler { _, _ -> release.await(60, TimeUnit.SECONDS) })
            on("seq", ServerHandler { d, _ ->
                got.add(d.json().get("n").asInt())
                if (answer) {
                    d.reply(null)
                }
            })
            start()
        }
        return got
    }

    /** A Kotlin client under BLOCK, connected to [stallingServer], whose I/O thread it has stalled. */
    private suspend fun stalledClient(root: String): CoroutineClient {
        val hello = Ipc(blockConfig(root, "hello"))
        closers.add { runBlocking { hello.close() } }
        val client = hello.connectTo("world")
        client.emit("stall")
        return client
    }

    @Test
    fun shouldSuspendClientEmitsAndWithdrawCancelledOnes() = withRoot { root ->
        val got = stallingServer(root, answer = false)
        runBlocking {
            val client = stalledClient(root)
            val (kept, cancelled) = emitStuck { i -> client.emit("seq", mapOf("n" to i, "pad" to pad)) }
            release.countDown()
            assertDelivered(got, kept, cancelled)
            client.emit("seq", mapOf("n" to EMITTERS, "pad" to pad)) // nothing withdrawn arrives later
            assertEquals(EMITTERS, got.poll(30, TimeUnit.SECONDS))
        }
    }

    @Test
    fun shouldSuspendRequestsAndWithdrawCancelledOnes() = withRoot { root ->
        val got = stallingServer(root, answer = true) // answers every "seq" request once it reads again
        runBlocking {
            val client = stalledClient(root)
            // a request waits for its answer too, so a request not cancelled finishes only once the peer reads
            val (kept, cancelled) = emitStuck { i -> client.request("seq", mapOf("n" to i, "pad" to pad)) }
            release.countDown()
            assertDelivered(got, kept, cancelled)
        }
    }

    @Test
    fun shouldSuspendServerEmitsAndEmitBackAndWithdrawCancelledOnes() = withRoot { root ->
        runBlocking {
            val world = Ipc(blockConfig(root, "world"))
            closers.add { runBlocking { world.close() } }
            val sockets = LinkedBlockingQueue<ServerEvent<*>>()
            var collecting: Job? = null
            val server = world.serve {
                collecting = launch(start = CoroutineStart.UNDISPATCHED) { events("hello").collect { sockets.add(it) } }
            }
            // the peer: a Java client whose I/O thread is held in "stall" until release, so it reads nothing
            val peer = JavaIpc.create(IpcConfig.defaults().id("peer").socketRoot(root).silent(true))
            closers.add { peer.close() }
            val got = LinkedBlockingQueue<Int>()
            peer.connectTo("world") { c ->
                c.on("stall", ClientHandler { release.await(60, TimeUnit.SECONDS) })
                c.on("seq", ClientHandler { d -> got.add(d.json().get("n").asInt()) })
                c.on("connect", SignalHandler { c.emit("hello") })
            }
            val event = withContext(Dispatchers.IO) { sockets.poll(30, TimeUnit.SECONDS) }
            assertNotNull(event)
            collecting?.cancel()
            val socket: IpcSocket = event!!.socket!!
            server.emit(socket, "stall")
            // half the emitters use emitBack, half the server's emit: they share the socket's line
            val (kept, cancelled) = emitStuck { i ->
                val data = mapOf("n" to i, "pad" to pad)
                if (i % 4 < 2) event.emitBack("seq", data) else server.emit(socket, "seq", data)
            }
            release.countDown()
            assertDelivered(got, kept, cancelled)
        }
    }

    private companion object {
        const val MARK = 65536L
        const val EMITTERS = 64
    }
}
