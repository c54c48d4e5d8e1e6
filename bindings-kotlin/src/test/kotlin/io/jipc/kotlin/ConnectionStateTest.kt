package io.jipc.kotlin

import io.jipc.ConnectionState
import io.jipc.IpcException
import kotlin.time.Duration.Companion.milliseconds
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The state flow through a server restart; what connect does when there is no server. */
internal class ConnectionStateTest {
    @Test
    fun shouldFollowAServerRestart() = withRoot { root ->
        runBlocking {
            val hello = Ipc { id = "hello"; socketRoot = root; retry = 20.milliseconds; silent = true }
            var world = Ipc { id = "world"; socketRoot = root; silent = true }
            world.serve { launch(start = CoroutineStart.UNDISPATCHED) { events("ping").collect { it.emitBack("pong", it.data) } } }

            val client = hello.connectTo("world")
            assertEquals(ConnectionState.CONNECTED, client.state.value)
            // every event of the client, in order, for the whole run
            val seen = async(start = CoroutineStart.UNDISPATCHED) { client.events("*").toList().map { it.type() } }

            world.close()
            client.state.first { it == ConnectionState.DISCONNECTED } // stays so while no server answers

            world = Ipc { id = "world"; socketRoot = root; silent = true }
            world.serve { launch(start = CoroutineStart.UNDISPATCHED) { events("ping").collect { it.emitBack("pong", it.data) } } }
            client.state.first { it == ConnectionState.CONNECTED }

            val pong = async(start = CoroutineStart.UNDISPATCHED) { client.events("pong").first() }
            client.emit("ping", "again")
            assertEquals("again", pong.await().asText())

            client.disconnect()
            assertEquals(ConnectionState.DESTROYED, client.state.value)
            val types = seen.await() // completed by destroy
            assertEquals("disconnect", types.first())
            assertEquals(listOf("connect", "pong", "disconnect", "destroy"), types.takeLast(4))
            assertTrue(types.count { it == "connect" } == 1, "one reconnect: $types")

            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldThrowTheConnectionErrorAndReleaseTheClient() = withRoot { root ->
        runBlocking {
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true } // maxRetries unlimited
            val failure = runCatching { hello.connectTo("nobody") }.exceptionOrNull()
            assertEquals("ENOENT", (failure as IpcException).code(), failure.toString())
            assertTrue(failure.message!!.contains("app.nobody"), failure.message)
            assertEquals(emptySet<String>(), hello.java.clientIds())
            hello.close()
        }
    }

    @Test
    fun shouldWaitForTheServerWhenAsked() = withRoot { root ->
        runBlocking {
            val hello = Ipc { id = "hello"; socketRoot = root; retry = 10.milliseconds; silent = true }
            var made: CoroutineClient? = null
            val connecting = async(start = CoroutineStart.UNDISPATCHED) {
                hello.connectTo("world", waitForServer = true) { made = this }
            }
            made!!.state.first { it == ConnectionState.DISCONNECTED } // an attempt failed: no server yet
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            world.serve()
            val client = connecting.await()
            assertEquals(ConnectionState.CONNECTED, client.state.value)

            hello.close()
            world.close()
            assertEquals(ConnectionState.DESTROYED, client.state.value)
        }
    }

    @Test
    fun shouldGiveUpAfterMaxRetries() = withRoot { root ->
        runBlocking {
            val hello = Ipc { id = "hello"; socketRoot = root; retry = 1.milliseconds; maxRetries = 3; silent = true }
            lateinit var errors: kotlinx.coroutines.Deferred<List<String>>
            val failure = runCatching {
                hello.connectTo("world", waitForServer = true) {
                    errors = async(start = CoroutineStart.UNDISPATCHED) {
                        events("error").toList().map { it.error().get().code() }
                    }
                }
            }.exceptionOrNull()
            assertEquals("ENOENT", (failure as IpcException).code())
            assertEquals(List(4) { "ENOENT" }, errors.await(), "the first attempt and 3 retries")
            hello.close()
        }
    }
}
