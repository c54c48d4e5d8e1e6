package io.jipc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher, and the examples as a user runs them: separate JVMs, exit statuses, two terminals. */
class ExamplesLauncherTest {
    @TempDir
    Path socketRoot;

    @Test
    void shouldListTheExamplesForAnUnknownName() {
        ExampleOutput.run(Examples::run, "hello-wrold")
                .assertStatus(2)
                .assertErrLineStarting("no example named 'hello-wrold'")
                .assertErrLineStarting("usage: java -jar jipc-examples.jar NAME")
                .assertErrLineStarting("  hello-unix ")
                .assertErrLineStarting("  kotlin-hello ");
    }

    @Test
    void shouldRunWorldAndHelloInTwoProcesses() throws Exception {
        String root = socketRoot + "/";
        Child world = Child.start(HelloWorldUnix.class.getName(), "world", "--socket-root", root);
        try {
            world.awaitLine("world: serving until stopped (Ctrl-C)");
            Child hello = Child.start(Examples.class.getName(), "hello-unix", "hello", "--socket-root", root);
            assertEquals(0, hello.awaitExit(), () -> "hello's exit status; its output: " + hello.lines);
            assertTrue(hello.lines.contains("hello: got a message from world: hello world!"), hello.lines::toString);
            world.awaitLine("world: got a message: hello");
        } finally {
            world.process.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook closes world
            world.awaitExit();
        }
        assertFalse(Files.exists(socketRoot.resolve("app.world")), "world removed its socket when stopped");
    }

    @Test
    void shouldExitWithStatus1WhenTheExchangeFails() throws Exception {
        Child hello = Child.start(Examples.class.getName(), "hello-unix", "hello", "--socket-root",
                socketRoot + "/", "--timeout", "1");
        assertEquals(1, hello.awaitExit(), () -> "exit status; output: " + hello.lines);
    }

    /** An example in a JVM of its own, its stdout and stderr collected line by line. */
    private static final class Child {
        final Process process;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
        private final Thread reader;

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::read, "child-output");
            reader.start();
        }

        static Child start(String mainClass, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    mainClass));
            command.addAll(List.of(args));
            return new Child(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    unread.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void awaitLine(String expected) throws InterruptedException {
            for (;;) {
                String line = unread.poll(60, TimeUnit.SECONDS);
                if (line == null) {
                    throw new AssertionError("no line '" + expected + "'; output so far: " + lines);
                }
                if (line.equals(expected)) {
                    return;
                }
            }
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("did not exit; output: " + lines);
            }
            reader.join();
            return process.exitValue();
        }
    }
}
