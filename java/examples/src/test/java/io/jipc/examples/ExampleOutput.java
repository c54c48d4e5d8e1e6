package io.jipc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

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

    private ExampleOutput(int status, String out, String err) {
        this.status = status;
        this.out = out.lines().toList();
        this.err = err.lines().toList();
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
        return new ExampleOutput(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Asserts exit status 0 and that the last line says so. */
    ExampleOutput assertSucceeded(String name) {
        assertEquals(0, status, () -> "exit status of " + name + "; " + this);
        assertEquals(List.of(), err, () -> "nothing on stderr; " + this);
        assertEquals(name + ": done", out.get(out.size() - 1), () -> "last line; " + this);
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

    @Override
    public String toString() {
        return "status " + status + "\n--- out ---\n" + String.join("\n", out) + "\n--- err ---\n"
                + String.join("\n", err);
    }
}
