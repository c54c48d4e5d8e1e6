package io.jipc.kotlin

import io.jipc.IpcException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * A collector that does not keep up: the server sends 50 numbered events while the collector is stuck on the first;
 * its buffer holds 4. A second, fast collection of the same events shows when all 50 were dispatched.
 */
internal class SlowCollectorTest {
    private class Run(val received: List<Int>, val failure: Throwable?, val fastSaw: List<Int>)

    private fun slowRun(policy: OverflowPolicy): Run = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val server = world.serve()
            val accepted = async(start = CoroutineStart.UNDISPATCHED) { server.events("connect").first() }
            val client = hello.connectTo("world")
            val socket = accepted.await().socket!!

            val gate = CompletableDeferred<Unit>()
            val received = mutableListOf<Int>()
            // registered first, so each event reaches its buffer before the fast collection's
            val slow = async(start = CoroutineStart.UNDISPATCHED) {
                runCatching {
                    client.events<Int>("tick", capacity = 4, onOverflow = policy).collect {
                        received += it
                        gate.await()
                    }
                }.exceptionOrNull()
            }
            val fast = async(start = CoroutineStart.UNDISPATCHED) { client.events<Int>("tick").take(50).toList() }

            for (i in 1..50) {
                server.emit(socket, "tick", i)
            }
            val fastSaw = fast.await() // all 50 dispatched: the slow buffer got (or refused) each of them
            gate.complete(Unit)
            if (policy != OverflowPolicy.FAIL) {
                hello.close() // destroy completes the slow flow after its buffered events
            }
            val failure = slow.await()
            hello.close()
            world.close()
            Run(received.toList(), failure, fastSaw)
        }
    }

    @Test
    fun shouldKeepTheNewestEventsWithDropOldest() {
        val run = slowRun(OverflowPolicy.DROP_OLDEST)
        assertEquals((1..50).toList(), run.fastSaw, "the fast collection is not affected")
        assertEquals(null, run.failure)
        assertEquals(1, run.received.first(), "the event the collector was stuck on")
        assertEquals(listOf(47, 48, 49, 50), run.received.drop(1), "then the newest 4")
    }

    @Test
    fun shouldKeepTheFirstEventsWithDropLatest() {
        val run = slowRun(OverflowPolicy.DROP_LATEST)
        assertEquals((1..50).toList(), run.fastSaw)
        assertEquals(null, run.failure)
        assertEquals(listOf(1, 2, 3, 4, 5), run.received, "the one it was stuck on, then the 4 buffered ones")
    }

    @Test
    fun shouldFailTheFlowAfterItsBufferedEventsWithFail() {
        val run = slowRun(OverflowPolicy.FAIL)
        assertEquals((1..50).toList(), run.fastSaw)
        assertEquals(EOVERFLOW, (run.failure as IpcException).code(), run.failure.toString())
        assertTrue(run.failure.message!!.contains("events(\"tick\")"), run.failure.message)
        assertEquals(listOf(1, 2, 3, 4, 5), run.received, "every buffered event is delivered before the failure")
    }

    @Test
    fun shouldRejectACapacityBelowOne() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val server = world.serve()
            val thrown = runCatching { server.events("tick", capacity = 0) }.exceptionOrNull()
            assertTrue(thrown is IllegalArgumentException && thrown.message!!.contains("capacity"), thrown.toString())
            world.close()
        }
    }
}
