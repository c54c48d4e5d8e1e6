package io.jipc.kotlin

import io.jipc.kotlin.examples.helloWorld
import java.util.Collections
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** Runs the hello/world example (src/example/kotlin) and checks what it prints. */
internal class HelloWorldExampleTest {
    @Test
    fun shouldRunTheHelloWorldExample() = withRoot { root ->
        val lines = Collections.synchronizedList(mutableListOf<String>())
        runBlocking { helloWorld(root) { lines += it } }
        assertEquals(listOf("world got: hello", "hello got: hello world!"), lines)
        assertEquals(emptyList<String>(), jipcThreads(), "the example closes both instances")
    }
}
