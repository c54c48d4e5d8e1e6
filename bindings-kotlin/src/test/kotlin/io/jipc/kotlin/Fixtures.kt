package io.jipc.kotlin

import java.net.InetSocketAddress
import java.nio.file.Files
import java.nio.file.Path
import kotlin.io.path.deleteIfExists
import kotlin.io.path.listDirectoryEntries

/** A fresh, short socketRoot under /tmp (Unix socket paths are limited to 107 bytes), with its trailing slash. */
internal fun tempRoot(): String = Files.createTempDirectory(Path.of("/tmp"), "jk").toString() + "/"

/** Removes a socketRoot made by [tempRoot] (and whatever socket files are left in it). */
internal fun deleteRoot(root: String) {
    val dir = Path.of(root)
    if (Files.isDirectory(dir)) {
        dir.listDirectoryEntries().forEach { it.deleteIfExists() }
        dir.deleteIfExists()
    }
}

internal fun openFds(): Int = Files.list(Path.of("/proc/self/fd")).use { it.count().toInt() }

/**
 * Asserts that no more descriptors are open than [baseline]. The JVM itself may open or close one meanwhile (class
 * loading, unrelated streams), so this settles briefly and only a count above the baseline fails.
 */
internal fun assertNoMoreFdsThan(baseline: Int, message: String) {
    var now = openFds()
    var tries = 0
    while (now > baseline && tries++ < 50) {
        System.gc()
        Thread.sleep(20)
        now = openFds()
    }
    org.junit.jupiter.api.Assertions.assertTrue(now <= baseline, "$message: $baseline before, $now after")
}

internal fun jipcThreads(): List<String> =
    Thread.getAllStackTraces().keys.filter { it.isAlive && it.name.startsWith("jipc-io") }.map { it.name }

/** The port of a TCP server started on port 0. */
internal val CoroutineServer.port: Int get() = (address as InetSocketAddress).port

/** Runs a test body with a fresh socketRoot, removed afterwards. */
internal inline fun <T> withRoot(body: (String) -> T): T {
    val root = tempRoot()
    try {
        return body(root)
    } finally {
        deleteRoot(root)
    }
}
