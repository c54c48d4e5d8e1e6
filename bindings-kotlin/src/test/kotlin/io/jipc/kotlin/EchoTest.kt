package io.jipc.kotlin

import io.jipc.ConnectionState
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** A server that answers each `message`, over a Unix socket and over TCP. */
internal class EchoTest {
    @Test
    fun shouldEchoOverUnixSocket() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    events("message").collect { (data, socket) -> emit(socket!!, "message", data.asText() + " world!") }
                }
            }
            val client = hello.connectTo("world")
            assertEquals(ConnectionState.CONNECTED, client.state.value)

            val answers = async(start = CoroutineStart.UNDISPATCHED) { client.events("message").take(3).toList() }
            for (word in listOf("hello", "hi", "hey")) {
                client.emit("message", word)
            }
            assertEquals(listOf("hello world!", "hi world!", "hey world!"), answers.await().map { it.asText() })

            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldEchoOverTcp() = runBlocking {
        val world = Ipc { id = "world"; networkHost = "127.0.0.1"; silent = true }
        val hello = Ipc { id = "hello"; silent = true }
        val server = world.serveNet(port = 0) {
            launch(start = CoroutineStart.UNDISPATCHED) {
                events("ping").collect { it.emitBack("pong", it.data) }
            }
        }
        val client = hello.connectToNet("world", "127.0.0.1", server.port)
        val pong = async(start = CoroutineStart.UNDISPATCHED) { client.events("pong").first() }
        client.emit("ping", mapOf("n" to 1, "s" to "x"))
        assertEquals("""{"n":1,"s":"x"}""", pong.await().json().toString())

        hello.close()
        world.close()
    }
}
