package io.jipc.kotlin.examples

import io.jipc.kotlin.Ipc
import io.jipc.kotlin.emitBack
import java.nio.file.Files
import java.nio.file.Path
import kotlin.io.path.deleteIfExists
import kotlin.time.Duration.Companion.milliseconds
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

/**
 * node-ipc's hello/world example with coroutines: "world" serves on a Unix socket in [root] and answers each
 * `message` with data + " world!"; "hello" connects, emits "hello" and prints the answer.
 */
suspend fun helloWorld(root: String, print: (String) -> Unit = ::println) = coroutineScope {
    // world: node-ipc's ipc.serve(() => ipc.server.on('message', (data, socket) => ipc.server.emit(socket, ...)))
    val world = Ipc(this) { id = "world"; socketRoot = root }
    world.serve {
        // registered before the server listens, so no message can come before it
        launch(start = CoroutineStart.UNDISPATCHED) {
            events("message").collect { event ->
                print("world got: ${event.data.asText()}")
                event.emitBack("message", event.data.asText() + " world!")
            }
        }
    }

    // hello: node-ipc's ipc.connectTo('world', () => { on('connect', ...); on('message', ...) })
    val hello = Ipc(this) { id = "hello"; socketRoot = root; retry = 1500.milliseconds }
    val client = hello.connectTo("world") // returns once connected, or throws why not
    val answer = async(start = CoroutineStart.UNDISPATCHED) { client.events("message").first() }
    client.emit("message", "hello")
    print("hello got: ${answer.await().asText()}")

    hello.close() // both are bound to this scope, which completes once they are closed
    world.close()
}

fun main() = runBlocking {
    val root = Files.createTempDirectory(Path.of("/tmp"), "jipc-hello")
    try {
        helloWorld("$root/")
    } finally {
        root.deleteIfExists()
    }
}
