package io.jipc.kotlin

import io.jipc.ConnectionState
import java.nio.file.Files
import java.nio.file.Path
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

/** Cancelling collections removes their handlers; cancelling a scope closes what is bound to it, leaking nothing. */
internal class CancellationTest {
    /** Two instances bound to one job, an exchange, then the job is cancelled. */
    private suspend fun boundCycle(root: String) = kotlinx.coroutines.coroutineScope {
        val started = kotlinx.coroutines.CompletableDeferred<Unit>()
        val job = launch {
            val world = Ipc(this) { id = "world"; socketRoot = root; silent = true }
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) { events("ping").collect { it.emitBack("pong", it.data) } }
            }
            val hello = Ipc(this) { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world")
            val pong = async(start = CoroutineStart.UNDISPATCHED) { client.events("pong").first() }
            client.emit("ping", "x")
            assertEquals("x", pong.await().asText())
            launch { client.events("never").collect {} } // a collection still running when the job is cancelled
            started.complete(Unit)
        }
        started.await()
        job.cancelAndJoin()
    }

    @Test
    fun shouldReleaseThreadsAndDescriptorsWhenTheScopeIsCancelled() = withRoot { root ->
        runBlocking {
            val threads = jipcThreads()
            boundCycle(root) // warm up: class loading opens jar files once
            val fds = openFds()
            repeat(10) { boundCycle(root) }
            assertEquals(threads, jipcThreads(), "jipc I/O threads alive after the scope was cancelled")
            assertNoMoreFdsThan(fds, "file descriptors leaked over 10 bound cycles")
            assertFalse(Files.exists(Path.of(root + "app.world")), "socket file left behind")
        }
    }

    @Test
    fun shouldRemoveTheHandlerWhenACollectionEnds() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val server = world.serve()
            val client = hello.connectTo("world")
            assertEquals(0, server.collections())

            val collecting = launch(start = CoroutineStart.UNDISPATCHED) { server.events("message").collect {} }
            val alsoAll = launch(start = CoroutineStart.UNDISPATCHED) { server.events("*").collect {} }
            assertEquals(1, server.collections("message"))
            assertEquals(2, server.collections())
            collecting.cancelAndJoin()
            assertEquals(0, server.collections("message"))
            alsoAll.cancelAndJoin()
            assertEquals(0, server.collections())

            // an operator that stops early (first) ends the collection too
            val first = async(start = CoroutineStart.UNDISPATCHED) { server.events("message").first() }
            client.emit("message", "one")
            assertEquals("one", first.await().data.asText())
            assertEquals(0, server.collections())

            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldDisconnectABoundClientAndCompleteItsFlowsWhenItsScopeIsCancelled() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val server = world.serve()
            val warmUp = async(start = CoroutineStart.UNDISPATCHED) { server.events("socket.disconnected").first() }
            hello.connectTo("world").disconnect() // starts hello's I/O thread, which stays
            warmUp.await()
            val fds = openFds()

            val accepted = async(start = CoroutineStart.UNDISPATCHED) { server.events("connect").first() }
            val left = async(start = CoroutineStart.UNDISPATCHED) { server.events("socket.disconnected").first() }
            val ready = kotlinx.coroutines.CompletableDeferred<Unit>()
            lateinit var client: CoroutineClient
            lateinit var events: kotlinx.coroutines.Deferred<List<String>>
            val task = launch {
                client = hello.connectTo("world", scope = this)
                events = this@runBlocking.async(start = CoroutineStart.UNDISPATCHED) { client.events("*").toList().map { it.type() } }
                ready.complete(Unit)
            }
            ready.await()
            val socket = accepted.await().socket!!
            assertTrue(task.isActive, "the bound client keeps its scope from completing")

            task.cancelAndJoin()
            assertEquals(ConnectionState.DESTROYED, client.state.value)
            assertEquals(listOf("disconnect", "destroy"), events.await()) // completed normally, not cancelled
            assertEquals(0, client.collections())
            assertEquals(emptySet<String>(), hello.java.clientIds())
            assertEquals(socket, left.await().socket)
            assertNoMoreFdsThan(fds, "both ends of the connection closed")

            hello.close()
            world.close()
        }
    }
}
