package io.jipc.kotlin

import io.jipc.IpcException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

@JvmRecord
internal data class Greeting(val from: String, val text: String)

@JvmRecord
internal data class Point(val x: Int, val y: Int)

/** `events<T>(type)` binds data to records and generic types; data that does not fit fails that collection only. */
internal class TypedEventsTest {
    @Test
    fun shouldBindEventsToTypes() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    events<Greeting>("greeting").collect { (greeting, socket) ->
                        emit(socket!!, "points", List(greeting.text.length) { Point(it, it * it) })
                    }
                }
            }
            val client = hello.connectTo("world")
            val points = async(start = CoroutineStart.UNDISPATCHED) { client.events<List<Point>>("points").first() }
            client.emit("greeting", Greeting("hello", "hi!"))
            assertEquals(listOf(Point(0, 0), Point(1, 1), Point(2, 4)), points.await())

            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldFailOnlyTheCollectionWhoseDataDoesNotFit() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    events("ping").collect { it.emitBack("pong", it.data) }
                }
            }
            val client = hello.connectTo("world")
            val typed = async(start = CoroutineStart.UNDISPATCHED) {
                runCatching { client.events<Point>("pong").first() }
            }
            val raw = async(start = CoroutineStart.UNDISPATCHED) { client.events("pong").first() }
            client.emit("ping", "not a point")

            val failure = typed.await().exceptionOrNull()
            assertEquals("EDATA", (failure as IpcException).code())
            assertEquals("not a point", raw.await().asText())
            assertEquals(0, client.collections("pong"))
            // the connection is unaffected
            val again = async(start = CoroutineStart.UNDISPATCHED) { client.events<Point>("pong").first() }
            client.emit("ping", Point(3, 4))
            assertEquals(Point(3, 4), again.await())

            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldDecodeAReceivedMessage() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            world.serve {
                launch(start = CoroutineStart.UNDISPATCHED) {
                    events("greeting").collect { it.emitBack("greeting", it.data) } // relayed as received
                }
            }
            val client = hello.connectTo("world")
            val back = async(start = CoroutineStart.UNDISPATCHED) { client.events("greeting").first() }
            client.emit("greeting", Greeting("hello", "héllo ✓"))
            assertEquals(Greeting("hello", "héllo ✓"), back.await().decode<Greeting>())
            assertEquals(mapOf("from" to "hello", "text" to "héllo ✓"), back.await().decode<Map<String, String>>())

            hello.close()
            world.close()
        }
    }
}
