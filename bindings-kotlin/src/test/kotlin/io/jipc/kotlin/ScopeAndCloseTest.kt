package io.jipc.kotlin

import io.jipc.IpcException
import java.nio.file.Files
import java.nio.file.Path
import kotlin.time.Duration.Companion.milliseconds
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Binding to a scope that is no longer active is refused with `ESTATE` before anything is opened, every time; and
 * closing an instance while `connectTo(waitForServer = true)` waits ends that wait with `ECLOSED`.
 */
internal class ScopeAndCloseTest {
    private fun cancelledScope(): CoroutineScope = CoroutineScope(Job()).apply { cancel() }

    private fun completedScope(): CoroutineScope = CoroutineScope(Job().apply { complete() })

    @Test
    fun shouldRefuseAnInstanceBoundToACancelledScope() {
        for (scope in listOf(cancelledScope(), completedScope())) {
            val threads = jipcThreads()
            val e = assertThrows<IpcException> { Ipc(scope) { id = "x"; silent = true } }
            assertEquals(IpcException.ESTATE, e.code(), e.message)
            assertEquals(threads, jipcThreads())
        }
    }

    @Test
    fun shouldRefuseAServerBoundToACancelledScope() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            repeat(3) { // the same answer every time, and nothing left listening
                val e = assertThrows<IpcException> { world.serve(scope = cancelledScope()) }
                assertEquals(IpcException.ESTATE, e.code(), e.message)
                assertFalse(Files.exists(Path.of(root + "app.world")), "nothing listens")
            }
            val e = assertThrows<IpcException> { world.serveNet(port = 0, scope = completedScope()) }
            assertEquals(IpcException.ESTATE, e.code(), e.message)
            val server = world.serve() // the refusals left no server behind
            assertEquals(true, server.isListening)
            world.close()
        }
    }

    @Test
    fun shouldRefuseAClientBoundToACancelledScope() = withRoot { root ->
        runBlocking {
            val world = Ipc { id = "world"; socketRoot = root; silent = true }
            val server = world.serve()
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true }
            repeat(3) {
                val e = assertThrows<IpcException> { hello.connectTo("world", scope = cancelledScope()) }
                assertEquals(IpcException.ESTATE, e.code(), e.message)
            }
            assertEquals(0, server.sockets.size, "no connection was made")
            val client = hello.connectTo("world") // the same id is free: nothing was left behind
            assertEquals(io.jipc.ConnectionState.CONNECTED, client.state.value)
            hello.close()
            world.close()
        }
    }

    @Test
    fun shouldEndAWaitingConnectWithECLOSEDOnClose() = withRoot { root ->
        runBlocking {
            val hello = Ipc { id = "hello"; socketRoot = root; silent = true; retry = 50.milliseconds }
            val failedOnce = CompletableDeferred<io.jipc.Message>()
            val connecting = async(start = CoroutineStart.UNDISPATCHED) {
                runCatching {
                    hello.connectTo("nobody", waitForServer = true) {
                        launch(start = CoroutineStart.UNDISPATCHED) { failedOnce.complete(events("error").first()) }
                    }
                }.exceptionOrNull()
            }
            failedOnce.await() // one attempt failed: the client now waits to retry
            hello.close()
            val e = connecting.await() as IpcException
            assertEquals(IpcException.ECLOSED, e.code(), e.message)
            assertEquals(IpcException.ENOENT, (e.cause as IpcException).code(), "the last connect error is the cause")
        }
    }
}
