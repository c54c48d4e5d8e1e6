package io.jipc.kotlin

import io.jipc.packaging.ApiDump
import java.nio.file.Path
import org.junit.jupiter.api.Test

/**
 * jipc-kotlin's public API (every public type of io.jipc.kotlin, as the JVM sees it) against
 * `bindings-kotlin/api/jipc-kotlin.api`. Regenerate with `-Djipc.api.update=true`.
 */
class ApiDumpTest {
    @Test
    fun publicApiMatchesTheCommittedDump() {
        val classes = Path.of("target/classes")
        ApiDump.check(Path.of("api/jipc-kotlin.api"), ApiDump.members(ApiDump.classNames(classes, setOf("io.jipc.kotlin"))))
    }
}
