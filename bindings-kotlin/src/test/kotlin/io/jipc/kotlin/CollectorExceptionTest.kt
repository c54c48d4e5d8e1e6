package io.jipc.kotlin

import io.jipc.ConnectionState
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.takeWhile
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Test

/**
 * An exception thrown by a collector is thrown from its `collect`, as for any flow, and ends that collection only:
 * the I/O thread never sees it, so the connection, the other collections and jipc's event loop go on.
 */
internal class CollectorExceptionTest {
    @Test
    fun shouldSurfaceTheExceptionInTheCollectorOnly() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) { events("ping").collect { it.emitBack("pong", it.data) } }
            }
            val client = hello.connectTo("world")
            // every event the client gets, in order, until the last pong
            val all = async(start = CoroutineStart.UNDISPATCHED) {
                client.events("*").takeWhile { it.asText() != "last" }.toList().map { it.type() }
            }
            val boom = IllegalStateException("boom")
            val failing = async(start = CoroutineStart.UNDISPATCHED) {
                runCatching { client.events("pong").collect { throw boom } }.exceptionOrNull()
            }
            client.emit("ping", "first")
            assertSame(boom, failing.await(), "thrown from collect")
            assertEquals(0, client.collections("pong"), "its handler is gone")

            val next = async(start = CoroutineStart.UNDISPATCHED) { client.events("pong").first() }
            client.emit("ping", "second")
            assertEquals("second", next.await().asText())
            client.emit("ping", "last")
            assertEquals(listOf("pong", "pong"), all.await(), "no error event: the I/O thread never saw it")
            assertEquals(ConnectionState.CONNECTED, client.state.value)

            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldKeepServingWhenAServerCollectorFails() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val failures = mutableListOf<Throwable>()
            // a supervisor scope with a handler: how an application keeps one failed collector from cancelling others
            val supervisorJob = SupervisorJob()
            val supervisor = kotlinx.coroutines.CoroutineScope(
                coroutineContext + supervisorJob + CoroutineExceptionHandler { _, e -> failures += e })
            val server = world.serve {
                supervisor.launch(start = CoroutineStart.UNDISPATCHED) {
                    events("ping").collect { if (it.data.asText() == "bad") error("cannot handle ${it.data.asText()}") }
                }
                supervisor.launch(start = CoroutineStart.UNDISPATCHED) {
                    events("ping").collect { it.emitBack("pong", it.data) }
                }
            }
            val client = hello.connectTo("world")
            val pongs = async(start = CoroutineStart.UNDISPATCHED) {
                client.events("pong").takeWhile { it.asText() != "end" }.toList().map { it.asText() }
            }
            client.emit("ping", "bad")
            client.emit("ping", "good")
            client.emit("ping", "end")
            assertEquals(listOf("bad", "good"), pongs.await())
            assertEquals(listOf("cannot handle bad"), failures.map { it.message })
            assertEquals(1, server.collections("ping"), "only the failed collection was removed")

            hello.close()
            world.close()
            supervisorJob.complete() // its collections ended with the server
            supervisorJob.join()
        }
    }
}
