package io.jipc.kotlin

import io.jipc.IpcConfig
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The configuration DSL maps onto IpcConfig, with node-ipc's defaults and kotlin.time durations. */
internal class ConfigDslTest {
    @Test
    fun shouldSetOptionsAndKeepDefaults() = runBlocking {
        val ipc = Ipc {
            id = "hello"
            retry = 1500.milliseconds
            flushTimeout = 2.seconds
            socketRoot = "/tmp/x/"
            maxRetries = 3
        }
        val c = ipc.config
        assertEquals("hello", c.id())
        assertEquals(java.time.Duration.ofMillis(1500), c.retry())
        assertEquals(java.time.Duration.ofSeconds(2), c.flushTimeout())
        assertEquals("/tmp/x/", c.socketRoot())
        assertEquals(3, c.maxRetries())
        val d = IpcConfig.defaults()
        assertEquals(d.appspace(), c.appspace())
        assertEquals(d.delimiter(), c.delimiter())
        assertEquals(d.maxFrameBytes(), c.maxFrameBytes())
        assertEquals(d.networkPort(), c.networkPort())
        ipc.close()
    }

    @Test
    fun shouldNameTheInvalidOption() {
        val thrown = runCatching { Ipc { retry = (-5).milliseconds } }.exceptionOrNull()
        assertTrue(thrown is IllegalArgumentException && thrown.message!!.contains("retry"), thrown.toString())
    }
}
