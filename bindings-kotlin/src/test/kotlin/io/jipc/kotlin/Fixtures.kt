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
