@file:JvmName("KotlinHelloWorld")

package io.jipc.examples

import io.jipc.kotlin.Ipc
import io.jipc.kotlin.emitBack
import java.io.PrintStream
import kotlin.system.exitProcess
import kotlin.time.toKotlinDuration
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull

/** What hello sends, one `message` each; world answers every one. */
private val GREETINGS = listOf("hello", "hi", "hey")

/**
 * node-ipc's hello/world with jipc's coroutine bindings (`io.jipc:jipc-kotlin`): "world" serves on a Unix socket
 * and answers each `message` from a `Flow` of events; "hello" connects (a suspend call that returns once
 * connected), sends three messages and collects the three answers from its own `Flow`.
 *
 * ```
 * java -jar jipc-examples.jar kotlin-hello [--socket-root DIR] [--timeout SECONDS]
 * ```
 *
 * Exits 0 once hello has all three answers, 1 when they do not come within the timeout, 2 for a bad command line.
 */
fun main(args: Array<String>) {
    exitProcess(run(args, System.out, System.err))
}

/**
 * Runs the example.
 *
 * @param args `[--socket-root DIR] [--timeout SECONDS]`
 * @param out where the exchange is printed
 * @param err where a failure is printed
 * @return the exit status: 0 when hello got every answer, 1 when not, 2 for a bad command line
 */
fun run(args: Array<String>, out: PrintStream, err: PrintStream): Int =
    ExampleRunner.exitStatus("kotlin-hello", out, err) {
        val options = ExampleArgs.parse(args, false, "socket-root")
        val root = options.option("socket-root", "/tmp/")
        val timeout = options.timeout()
        runBlocking {
            withTimeoutOrNull(timeout.toKotlinDuration()) { helloWorld(root, out) }
                ?: throw ExampleFailure("no answers from world within ${timeout.toSeconds()} s")
        }
    }

/**
 * The exchange: world and hello in one coroutine scope, which completes once both are closed.
 *
 * @param root the socket directory (node-ipc's `socketRoot`)
 * @param out where the exchange is printed
 */
suspend fun helloWorld(root: String, out: PrintStream) = coroutineScope {
    // world: ipc.serve(() => ipc.server.on('message', (data, socket) => ipc.server.emit(socket, 'message', ...)))
    val world = Ipc(this) { id = "world"; socketRoot = root }
    val server = world.serve {
        launch(start = CoroutineStart.UNDISPATCHED) { // collecting before the server listens: nothing is missed
            events("message").collect { event ->
                out.println("world: got a message: ${event.data.asText()}")
                event.emitBack("message", event.data.asText() + " world!")
            }
        }
    }
    out.println("world: listening on ${server.address}")

    // hello: ipc.connectTo('world', ...), then emit and collect the answers as a Flow
    val hello = Ipc(this) { id = "hello"; socketRoot = root }
    val client = hello.connectTo("world") // returns once connected, or throws why not
    out.println("hello: connected to world")
    val answers = async(start = CoroutineStart.UNDISPATCHED) { client.events("message").take(GREETINGS.size).toList() }
    for (greeting in GREETINGS) {
        client.emit("message", greeting) // returns once the frame reached the kernel
    }
    for (answer in answers.await()) {
        out.println("hello: got a message from world: ${answer.asText()}")
    }

    hello.close() // both are bound to this scope: it completes once they are closed
    world.close()
}
