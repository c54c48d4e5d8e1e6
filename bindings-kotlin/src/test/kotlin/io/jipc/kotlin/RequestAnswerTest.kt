package io.jipc.kotlin

import io.jipc.IpcException
import io.jipc.IpcSocket
import io.jipc.Message
import java.time.Duration as JavaDuration
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.future.await
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * A Kotlin server (or client) answers the requests a Java one answers: `ENOHANDLER` for a type nobody collects,
 * `EHANDLER` when the collector throws before answering, and an error at once for a request a collection drops,
 * instead of leaving the requester to time out. The timeouts below only keep a failing run short; nothing waits
 * for them when the answer is right.
 */
internal class RequestAnswerTest {
    private val wait = JavaDuration.ofSeconds(20)

    /** The peer's code and text in a failed request's message: what the requester learns about the answer. */
    private fun peerAnswer(e: IpcException): String {
        assertEquals(IpcException.EREMOTE, e.code(), "a failed reply is EREMOTE: ${e.message}")
        return e.message!!.substringAfter("failed at the peer: ")
    }

    /** A request sent now (before this returns) whose outcome is awaited later; a failure does not fail the scope. */
    private fun CoroutineScope.requesting(client: CoroutineClient, type: String, data: Any): Deferred<Result<Message>> =
        async(start = CoroutineStart.UNDISPATCHED) { runCatching { client.request(type, data, timeout = 20.seconds) } }

    /** What a Java server with no handler, and one whose handler throws, answer: the reference. */
    private suspend fun javaServerAnswers(root: String): Pair<String, String> {
        val javaWorld = Ipc { id = "jworld"; socketRoot = root; silent = true }
        val server = javaWorld.java.serve()
        server.on("boom", io.jipc.ServerHandler { _, _ -> error("boom") })
        server.start()
        val hello = Ipc { id = "jhello"; socketRoot = root; silent = true }
        val client = hello.connectTo("jworld", waitForServer = true)
        val none = assertThrows<IpcException> { client.java.request("nobody", 1, wait).await() }
        val threw = assertThrows<IpcException> { client.java.request("boom", 1, wait).await() }
        hello.close()
        javaWorld.close()
        return peerAnswer(none) to peerAnswer(threw)
    }

    @Test
    fun shouldAnswerAsAJavaServerDoesToAJavaClient() = withRoot { root ->
        runBlocking {
            val (javaNone, javaThrew) = javaServerAnswers(root)
            assertEquals("ENOHANDLER: no handler for 'nobody'", javaNone)
            assertEquals("EHANDLER: the handler for 'boom' failed before replying", javaThrew)

            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val collectorFailure = CompletableDeferred<Throwable>()
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    runCatching { events("boom").collect { error("boom") } }.onFailure { collectorFailure.complete(it) }
                }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world")
            val none = assertThrows<IpcException> { client.java.request("nobody", 1, wait).await() }
            assertEquals(javaNone, peerAnswer(none), "a type nobody collects")
            val threw = assertThrows<IpcException> { client.java.request("boom", 1, wait).await() }
            assertEquals(javaThrew, peerAnswer(threw), "a collector that threw")
            assertEquals("boom", collectorFailure.await().message, "the exception still ends the collection")
            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldAnswerAKotlinClientWithENOHANDLERAndEHANDLER() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    runCatching { events<Int>("half").collect { error("odd") } }
                }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world")
            val none = assertThrows<IpcException> { client.request("nobody", 1, timeout = 20.seconds) }
            assertEquals("ENOHANDLER: no handler for 'nobody'", peerAnswer(none))
            val threw = assertThrows<IpcException> { client.request("half", 3, timeout = 20.seconds) }
            assertEquals("EHANDLER: the handler for 'half' failed before replying", peerAnswer(threw))
            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldAnswerEHANDLERWhenTypedDataDoesNotFit() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    runCatching { events<Int>("square").collect { (n, _) -> error("never: $n") } }
                }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world")
            val threw = assertThrows<IpcException> { client.request("square", "not a number", timeout = 20.seconds) }
            assertEquals("EHANDLER: the handler for 'square' failed before replying", peerAnswer(threw))
            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldAnswerARequestFromTheServerAsAJavaClientDoes() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val accepted = CompletableDeferred<IpcSocket>()
            val server = world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) { accepted.complete(events("connect").first().socket!!) }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world") {
                launch(start = CoroutineStart.UNDISPATCHED) { runCatching { events("boom").collect { error("boom") } } }
            }
            val socket = accepted.await()
            val none = assertThrows<IpcException> { server.request(socket, "nobody", 1, timeout = 20.seconds) }
            assertEquals("ENOHANDLER: no handler for 'nobody'", peerAnswer(none))
            val threw = assertThrows<IpcException> { server.request(socket, "boom", 1, timeout = 20.seconds) }
            assertEquals("EHANDLER: the handler for 'boom' failed before replying", peerAnswer(threw))
            assertEquals(io.jipc.ConnectionState.CONNECTED, client.state.value)
            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldAnswerARequestDroppedByAFullBuffer() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val holding = CompletableDeferred<Unit>()
            lateinit var collection: Job
            world.serve {
                // takes the first request and never comes back for more: one more fills the buffer, the next drops
                collection = launch(start = CoroutineStart.UNDISPATCHED) {
                    events("slow", capacity = 1, onOverflow = OverflowPolicy.DROP_LATEST).collect {
                        holding.complete(Unit)
                        awaitCancellation()
                    }
                }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world")
            val held = requesting(client, "slow", 1)
            holding.await()
            val buffered = requesting(client, "slow", 2)
            val dropped = assertThrows<IpcException> { client.request("slow", 3, timeout = 20.seconds) }
            assertEquals("EOVERFLOW: the handler for 'slow' (events(\"slow\")) was 1 events behind and dropped this "
                    + "request", peerAnswer(dropped))

            collection.cancelAndJoin() // the request still buffered is answered; the one being handled is not
            val left = buffered.await().exceptionOrNull() as IpcException
            assertEquals("ENOHANDLER: the handler for 'slow' (events(\"slow\")) ended before taking this request",
                    peerAnswer(left))
            hello.close()
            assertEquals(IpcException.ECLOSED, (held.await().exceptionOrNull() as IpcException).code())
            world.close()
        }
    }

    @Test
    fun shouldAnswerARequestStillBufferedWhenTheCollectionEnds() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val taken = CompletableDeferred<io.jipc.Message>()
            val bothArrived = CompletableDeferred<Unit>()
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    // first() takes one event; the collection ends once the collector returns
                    taken.complete(events("once").first { bothArrived.await(); true }.data)
                }
                // frames are handled in order: once "flush" arrived, both requests are in the buffer
                launch(start = CoroutineStart.UNDISPATCHED) { events("flush").first(); bothArrived.complete(Unit) }
            }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            val client = hello.connectTo("world")
            val answered = requesting(client, "once", 1)
            val second = requesting(client, "once", 2)
            client.emit("flush")
            taken.await().respond("taken")
            assertEquals("taken", answered.await().getOrThrow().asText())
            val left = second.await().exceptionOrNull() as IpcException
            assertEquals("ENOHANDLER: the handler for 'once' (events(\"once\")) ended before taking this request",
                    peerAnswer(left))
            hello.close()
            world.close()
        }
    }
}
