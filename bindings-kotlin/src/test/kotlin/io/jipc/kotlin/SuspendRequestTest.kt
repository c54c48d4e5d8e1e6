package io.jipc.kotlin

import io.jipc.IpcException
import io.jipc.IpcSocket
import io.jipc.Message
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Request/response as suspend functions, both ways: answers, typed answers, failures, timeouts, cancellation. */
internal class SuspendRequestTest {
    @JvmRecord
    data class Sum(val total: Int)

    @Test
    fun shouldAnswerAClientRequestFromACollector() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    events<List<Int>>("add").collect { it.respond(Sum(it.data.sum())) }
                }
                launch(start = CoroutineStart.UNDISPATCHED) {
                    events("div").collect { (data, _) ->
                        val (a, b) = data.decode<List<Int>>()
                        if (b == 0) data.respondError("EINVAL", "division by zero") else data.respond(a / b)
                    }
                }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world")

            assertEquals("""{"total":6}""", client.request("add", listOf(1, 2, 3)).json().toString())
            assertEquals(Sum(10), client.request<Sum>("add", listOf(4, 6)))
            assertEquals(3, client.request<Int>("div", listOf(7, 2)))
            val failed = assertThrows<IpcException> { client.request("div", listOf(1, 0)) }
            assertEquals(IpcException.EREMOTE, failed.code())
            assertTrue(failed.message!!.endsWith("EINVAL: division by zero"), failed.message)
            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldRequestAClientFromTheServer() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val accepted = CompletableDeferred<IpcSocket>()
            val server = world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) { accepted.complete(events("connect").first().socket!!) }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            hello.connectTo("world") {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    events("whoami").collect { it.respond(mapOf("id" to id)) }
                }
            }
            val socket = accepted.await()
            assertEquals("world", server.request(socket, "whoami").json().path("id").asText())
            assertEquals(mapOf("id" to "world"), server.request<Map<String, String>>(socket, "whoami"))
            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldTimeOutWhenNobodyAnswers() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val accepted = CompletableDeferred<IpcSocket>()
            val server = world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) { events("mute").collect { _ -> } }
                launch(start = CoroutineStart.UNDISPATCHED) { accepted.complete(events("connect").first().socket!!) }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world") {
                launch(start = CoroutineStart.UNDISPATCHED) { events("mute").collect { _ -> } }
            }
            val toServer = assertThrows<IpcException> { client.request("mute", 1, timeout = 100.milliseconds) }
            assertEquals(IpcException.ETIMEDOUT, toServer.code(), toServer.message)
            val toClient = assertThrows<IpcException> {
                server.request(accepted.await(), "mute", 1, timeout = 100.milliseconds)
            }
            assertEquals(IpcException.ETIMEDOUT, toClient.code(), toClient.message)
            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldStopWaitingWhenCancelled() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val asked = CompletableDeferred<Message>()
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    events("later").collect { if (!asked.complete(it.data)) it.respond("at once") }
                }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world")
            val waiting = async { client.request("later", 1, timeout = 60.seconds) }
            val request = asked.await()
            waiting.cancelAndJoin()
            assertTrue(waiting.isCancelled)
            assertThrows<CancellationException> { waiting.await() }

            request.respond("too late") // the server may still answer; the client discards the reply
            assertEquals("at once", client.request("later", 2).asText(), "the client goes on")
            assertEquals(io.jipc.ConnectionState.CONNECTED, client.state.value)
            hello.close()
            world.close()
        }
    }
}
