package io.jipc.kotlin

import io.jipc.IpcConfig
import kotlin.time.Duration.Companion.microseconds
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

    /**
     * Every option of IpcConfig (a public one-argument method returning IpcConfig) has a DSL property of the same
     * name, except those excluded here with the reason; an option added to IpcConfig alone fails this test.
     */
    @Test
    fun shouldOfferEveryIpcConfigOption() {
        val excluded = mapOf(
            "executor" to "flows already move events off the I/O thread; several handler threads would reorder them",
        )
        val options = IpcConfig::class.java.methods
            .filter { it.returnType == IpcConfig::class.java && it.parameterCount == 1 &&
                !java.lang.reflect.Modifier.isStatic(it.modifiers) }
            .map { it.name }.toSortedSet()
        assertTrue(options.containsAll(listOf("retry", "wire", "busyPoll", "allowedUids")), options.toString())
        // a kotlin.time.Duration property's accessors have mangled names (getRetry-UwyO8pc): compare the stem
        val dsl = IpcConfigBuilder::class.java.methods.map { it.name.substringBefore('-') }.toSet()
        val missing = options.filter { it !in excluded }.filter {
            val cap = it.replaceFirstChar(Char::uppercaseChar)
            "get$cap" !in dsl || "set$cap" !in dsl
        }
        assertEquals(emptyList<String>(), missing, "IpcConfig options without a DSL property")
        assertEquals(emptySet<String>(), excluded.keys - options, "excluded names that are no option")
    }

    @Test
    fun shouldSetTheJipcOptions() = runBlocking {
        val ipc = Ipc {
            highWaterMarkBytes = 65536
            backpressure = io.jipc.Backpressure.BLOCK
            partialFrameTimeout = 3.seconds
            offlineQueue = 10
            wire = io.jipc.Wire.PROTO
            wireDetectTimeout = 50.milliseconds
            requestTimeout = 2.seconds
            transport = io.jipc.Transport.NIO
            busyPoll = 100.microseconds
            allowedUids = setOf(0, 1000)
            tls = IpcConfig.Tls.create().rejectUnauthorized(false)
            handshakeTimeout = 3.seconds
            idleTimeout = 1.seconds
        }
        val c = ipc.config
        assertEquals(65536L, c.highWaterMarkBytes())
        assertEquals(io.jipc.Backpressure.BLOCK, c.backpressure())
        assertEquals(java.time.Duration.ofSeconds(3), c.partialFrameTimeout())
        assertEquals(10, c.offlineQueue())
        assertEquals(io.jipc.Wire.PROTO, c.wire())
        assertEquals(java.time.Duration.ofMillis(50), c.wireDetectTimeout())
        assertEquals(java.time.Duration.ofSeconds(2), c.requestTimeout())
        assertEquals(io.jipc.Transport.NIO, c.transport())
        assertEquals(java.time.Duration.ofNanos(100_000), c.busyPoll())
        assertEquals(setOf(0, 1000), c.allowedUids())
        assertEquals(false, c.tls().rejectUnauthorized())
        assertEquals(java.time.Duration.ofSeconds(3), c.handshakeTimeout())
        assertEquals(java.time.Duration.ofSeconds(1), c.idleTimeout())
        ipc.close()
    }
}
