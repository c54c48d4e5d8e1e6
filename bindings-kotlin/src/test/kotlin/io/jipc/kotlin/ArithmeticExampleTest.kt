package io.jipc.kotlin

import io.jipc.kotlin.examples.arithmetic
import java.util.Collections
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** Runs the request/response example (src/example/kotlin) and checks what it prints. */
internal class ArithmeticExampleTest {
    @Test
    fun shouldRunTheArithmeticExample() = withRoot { root ->
        val lines = Collections.synchronizedList(mutableListOf<String>())
        runBlocking { arithmetic(root) { lines += it } }
        assertEquals(listOf("add: 6", "div: 3", "div failed: EREMOTE (EINVAL: division by zero)",
                "mul failed: EREMOTE (ENOHANDLER: no handler for 'mul')"), lines)
        assertEquals(emptyList<String>(), jipcThreads(), "the example closes both instances")
    }
}
