package io.jipc.kotlin.examples

import io.jipc.IpcException
import io.jipc.kotlin.Ipc
import io.jipc.kotlin.decode
import io.jipc.kotlin.events
import io.jipc.kotlin.request
import io.jipc.kotlin.respond
import io.jipc.kotlin.respondError
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch

/** A typed reply: records (`@JvmRecord data class`) bind as they are. */
@JvmRecord
data class Total(val sum: Int)

/**
 * Request/response with suspend functions: "world" answers `add` with the sum of a list of numbers and `div` with a
 * quotient (or a failure); "hello" asks and prints the answers, including the failures a request can end with.
 */
suspend fun arithmetic(root: String, print: (String) -> Unit = ::println) = coroutineScope {
    val world = Ipc(this) { id = "world"; socketRoot = root }
    world.serve {
        launch(start = CoroutineStart.UNDISPATCHED) {
            events<List<Int>>("add").collect { request -> request.respond(Total(request.data.sum())) }
        }
        launch(start = CoroutineStart.UNDISPATCHED) {
            events("div").collect { request ->
                val (a, b) = request.data.decode<List<Int>>()
                if (b == 0) request.respondError("EINVAL", "division by zero") else request.respond(a / b)
            }
        }
    }

    val hello = Ipc(this) { id = "hello"; socketRoot = root }
    val client = hello.connectTo("world")
    print("add: ${client.request<Total>("add", listOf(1, 2, 3)).sum}")
    print("div: ${client.request<Int>("div", listOf(7, 2), timeout = 5.seconds)}")
    try {
        client.request("div", listOf(1, 0))
    } catch (e: IpcException) { // EREMOTE: the server answered with an error
        print("div failed: ${e.code()} (${e.message!!.substringAfter("failed at the peer: ")})")
    }
    try {
        client.request("mul", listOf(2, 3)) // nobody collects "mul" on the server
    } catch (e: IpcException) {
        print("mul failed: ${e.code()} (${e.message!!.substringAfter("failed at the peer: ")})")
    }
    hello.close()
    world.close()
}
