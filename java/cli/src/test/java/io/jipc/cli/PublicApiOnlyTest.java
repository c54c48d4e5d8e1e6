package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CLI is written against jipc-core's public API, as a user's program is: no source file names an
 * {@code io.jipc.internal} type, and the benchmark driver (jipc-bench, a run-time dependency) is reached only by name
 * through {@link BenchLauncher}.
 */
class PublicApiOnlyTest {
    @Test
    void theCliNamesNoInternalOrBenchType() throws Exception {
        List<String> problems = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(Path.of("src/main/java"))) {
            for (Path file : all.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                files++;
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.contains("io.jipc.internal")
                            || (line.contains("io.jipc.bench.") && !file.endsWith("BenchLauncher.java")
                            && !line.trim().startsWith("*"))) {
                        problems.add(file + ":" + (i + 1) + ": " + line.trim());
                    }
                }
            }
        }
        assertTrue(files > 5, "scanned " + files + " files");
        assertEquals(List.of(), problems, "the CLI reaches past jipc-core's public API");
    }

    @Test
    void theBenchDriverIsFoundByName() throws Exception {
        assertEquals("main", Class.forName(BenchLauncher.DRIVER).getMethod("main", String[].class).getName());
    }
}
