package io.jipc.kotlin

import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** `broadcast` reaches every connected client; the server sees each one connect and leave. */
internal class BroadcastTest {
    @Test
    fun shouldBroadcastToEveryClient() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            lateinit var connects: kotlinx.coroutines.Deferred<List<String>>
            val server = world.serve {
                connects = async(start = CoroutineStart.UNDISPATCHED) {
                    events("connect").take(3).toList().map { it.socket!!.id() }
                }
            }
            val ipcs = (1..3).map { n -> Ipc { id = "hello$n"; socketRoot = root; silent = true } }
            val clients = ipcs.map { it.connectTo("world") }
            assertEquals(listOf("1", "2", "3"), connects.await())

            val news = clients.map { c ->
                async(start = CoroutineStart.UNDISPATCHED) { c.events("news").take(2).toList().map { it.asText() } }
            }
            server.broadcast("news", "one")
            server.broadcast("news", "two")
            assertEquals(List(3) { listOf("one", "two") }, news.awaitAll())

            val gone = async(start = CoroutineStart.UNDISPATCHED) { server.events("socket.disconnected").first() }
            clients[0].disconnect()
            gone.await()
            assertEquals(2, server.sockets.size)

            ipcs.forEach { it.close() }
            world.close()
        }
    }
}
