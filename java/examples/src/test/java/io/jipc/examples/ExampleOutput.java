package io.jipc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an example printed and the status it returned, captured by running its {@code run(args, out, err)} in this
 * JVM; the assertions the example tests share.
 */
final class ExampleOutput {
    /** Runs one example in this JVM. */
    @FunctionalInterface
    interface Runner {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    final int status;
    final List<String> out;
    final List<String> err;
    /** jipc I/O threads still alive when the example returned: it must close every {@code Ipc} it made. */
    final List<String> threadsLeft;

    private ExampleOutput(int status, String out, String err, List<String> threadsLeft) {
        this.status = status;
        this.out = out.lines().toList();
        this.err = err.lines().toList();
        this.threadsLeft = threadsLeft;
    }

    /**
     * @param runner the example's {@code run}
     * @param args its arguments
     * @return what it printed and returned
     */
    static ExampleOutput run(Runner runner, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = runner.run(args, o, e);
        }
        List<String> threadsLeft = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("jipc-io"))
                .map(Thread::getName)
                .toList();
        return new ExampleOutput(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                threadsLeft);
    }

    /** Asserts exit status 0 and that the last line says so. */
    ExampleOutput assertSucceeded(String name) {
        assertEquals(0, status, () -> "exit status of " + name + "; " + this);
        assertEquals(List.of(), err, () -> "nothing on stderr; " + this);
        assertEquals(name + ": done", out.get(out.size() - 1), () -> "last line; " + this);
        assertEquals(List.of(), threadsLeft, () -> "every Ipc closed; " + this);
        return this;
    }

    /** Asserts that a line equal to {@code line} was printed. */
    ExampleOutput assertLine(String line) {
        assertTrue(out.contains(line), () -> "expected the line '" + line + "'; " + this);
        return this;
    }

    /** Asserts that a line starting with {@code prefix} was printed. */
    ExampleOutput assertLineStarting(String prefix) {
        assertTrue(out.stream().anyMatch(l -> l.startsWith(prefix)),
                () -> "expected a line starting '" + prefix + "'; " + this);
        return this;
    }

    /** Asserts the exit status. */
    ExampleOutput assertStatus(int expected) {
        assertEquals(expected, status, () -> "exit status; " + this);
        assertEquals(List.of(), threadsLeft, () -> "every Ipc closed; " + this);
        return this;
    }

    /** Asserts that no line starting with {@code prefix} was printed on stdout. */
    ExampleOutput assertNoLineStarting(String prefix) {
        assertTrue(out.stream().noneMatch(l -> l.startsWith(prefix)),
                () -> "expected no line starting '" + prefix + "'; " + this);
        return this;
    }

    /** Asserts that a line starting with {@code prefix} was printed on stderr. */
    ExampleOutput assertErrLineStarting(String prefix) {
        assertTrue(err.stream().anyMatch(l -> l.startsWith(prefix)),
                () -> "expected a line on stderr starting '" + prefix + "'; " + this);
        return this;
    }

    /** Asserts that the example left no file (its server's socket) in its socket directory. */
    ExampleOutput assertNothingLeftIn(Path socketRoot) {
        try (Stream<Path> left = Files.list(socketRoot)) {
            List<Path> files = left.toList();
            assertEquals(List.of(), files, () -> "the server removed its socket; " + this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    @Override
    public String toString() {
        return "status " + status + "\n--- out ---\n" + String.join("\n", out) + "\n--- err ---\n"
                + String.join("\n", err);
    }
}
