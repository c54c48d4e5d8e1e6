package io.jipc.kotlin

import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Stopping a server completes its flows, after the last `socket.disconnected` reached them. */
internal class ServerStopTest {
    @Test
    fun shouldCompleteTheFlowsAfterTheLastDisconnect() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val ipcs = (1..3).map { Ipc { id = "hello$it"; socketRoot = root; stopRetrying = true; silent = true } }
            lateinit var everything: kotlinx.coroutines.Deferred<List<String>>
            lateinit var leaving: kotlinx.coroutines.Deferred<Int>
            val server = world.serve {
                everything = async(start = CoroutineStart.UNDISPATCHED) { events("*").toList().map { it.data.type() } }
                leaving = async(start = CoroutineStart.UNDISPATCHED) { events("socket.disconnected").toList().size }
            }
            val connects = async(start = CoroutineStart.UNDISPATCHED) { server.events("connect").toList().size }
            ipcs.forEach { it.connectTo("world") }
            server.stop()

            assertFalse(server.isListening)
            assertEquals(3, leaving.await(), "every socket.disconnected delivered before completion")
            assertEquals(3, connects.await())
            val types = everything.await()
            assertEquals("start", types.first())
            assertEquals(List(3) { "socket.disconnected" }, types.takeLast(3))
            // a collection started after the stop completes at once
            assertEquals(emptyList<Any>(), server.events("message").toList())

            ipcs.forEach { it.close() }
            world.close()
        }
    }

    @Test
    fun shouldStopABoundServerWhenItsScopeIsCancelled() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            lateinit var server: CoroutineServer
            val ready = kotlinx.coroutines.CompletableDeferred<Unit>()
            val task = launch {
                server = world.serve(scope = this)
                ready.complete(Unit)
            }
            ready.await()
            val messages = async(start = CoroutineStart.UNDISPATCHED) { server.events("message").toList() }
            assertTrue(server.isListening)
            assertTrue(task.isActive, "the bound server keeps its scope from completing")

            task.cancelAndJoin()
            assertFalse(server.isListening)
            assertEquals(emptyList<Any>(), messages.await(), "completed normally")
            // the instance outlives its server: it can serve again
            val again = world.serve()
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val greeting = async(start = CoroutineStart.UNDISPATCHED) { again.events("message").first() }
            hello.connectTo("world").emit("message", "hi")
            assertEquals("hi", greeting.await().data.asText())

            hello.close()
            world.close()
        }
    }
}
