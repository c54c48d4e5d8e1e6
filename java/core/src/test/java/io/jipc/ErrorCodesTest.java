package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every error code the library throws is a documented constant on {@link IpcException}: the constants are checked by
 * reflection and in IpcException's source (each has a Javadoc comment), and the main sources (core, cli, the Kotlin
 * bindings) are scanned
 * for a code written as a string literal instead of a constant ({@code "E..."}, or a literal as an IpcException's
 * code), which fails with the file and line.
 */
class ErrorCodesTest {
    /** Literals of the E... shape that are not error codes, with where they occur. */
    private static final Set<String> NOT_CODES = Set.of(
            "\"ENCRYPTED\"" // tls/Pem.java: the PEM header word of an encrypted key
    );
    private static final Pattern CODE_LITERAL = Pattern.compile("\"E[A-Z0-9_]{2,}\"");
    private static final Pattern LITERAL_CODE_ARG = Pattern.compile("new IpcException\\(\\s*\"");
    private static final Pattern CONSTANT = Pattern.compile("public static final String (\\w+) = ");

    @Test
    void everyCodeConstantIsNamedAsItsValue() throws Exception {
        Set<String> codes = constants();
        assertTrue(codes.contains("ENOENT") && codes.contains("ECONNREFUSED") && codes.contains("EMALFORMED"),
                "constants: " + codes);
        for (String code : codes) {
            assertEquals(code, IpcException.class.getField(code).get(null), code);
        }
    }

    @Test
    void everyCodeConstantIsDocumented() throws Exception {
        List<String> lines = Files.readAllLines(source("io/jipc/IpcException.java"), StandardCharsets.UTF_8);
        Set<String> documented = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = CONSTANT.matcher(lines.get(i));
            if (m.find()) {
                String before = i > 0 ? lines.get(i - 1).trim() : "";
                assertTrue(before.endsWith("*/"), "IpcException." + m.group(1) + " has no Javadoc comment");
                documented.add(m.group(1));
            }
        }
        assertEquals(constants(), documented, "the constants in IpcException's source");
    }

    @Test
    void theLibraryThrowsOnlyDocumentedCodes() throws Exception {
        List<String> problems = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        roots.add(Path.of("src/main/java"));
        for (String other : List.of("../cli/src/main/java", "../../native/src/main/java",
                "../../bindings-kotlin/src/main/kotlin")) {
            if (Files.isDirectory(Path.of(other))) {
                roots.add(Path.of(other));
            }
        }
        int files = 0;
        for (Path root : roots) {
            List<Path> sources;
            try (Stream<Path> all = Files.walk(root)) {
                sources = all.filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".kt")).sorted()
                        .toList();
            }
            for (Path file : sources) {
                if (file.endsWith(Path.of("io/jipc/IpcException.java"))) {
                    continue;
                }
                files++;
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    Matcher m = CODE_LITERAL.matcher(line);
                    while (m.find()) {
                        if (!NOT_CODES.contains(m.group())) {
                            problems.add(file + ":" + (i + 1) + ": the code " + m.group() + " as a literal (use "
                                    + "IpcException." + m.group().replace("\"", "") + ", documented there)");
                        }
                    }
                    if (LITERAL_CODE_ARG.matcher(line).find()) {
                        problems.add(file + ":" + (i + 1) + ": an IpcException with a literal code");
                    }
                }
            }
        }
        assertTrue(files > 50, "scanned " + files + " source files from " + roots);
        assertEquals(List.of(), problems, "codes that are not IpcException's documented constants");
    }

    private static Set<String> constants() {
        Set<String> codes = new TreeSet<>();
        for (Field f : IpcException.class.getFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == String.class) {
                codes.add(f.getName());
            }
        }
        return codes;
    }

    private static Path source(String relative) {
        return Path.of("src/main/java").resolve(relative);
    }
}
