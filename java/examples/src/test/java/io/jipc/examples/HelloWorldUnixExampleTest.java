package io.jipc.examples;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelloWorldUnixExampleTest {
    @TempDir
    Path socketRoot;

    @Test
    void shouldExchangeHelloWorldOverAUnixSocket() {
        ExampleOutput.run(HelloWorldUnix::run, "--socket-root", socketRoot + "/")
                .assertSucceeded("hello-unix")
                .assertLine("world: listening on " + socketRoot.resolve("app.world"))
                .assertLine("hello: connected to world")
                .assertLine("world: got a message: hello")
                .assertLine("hello: got a message from world: hello world!")
                .assertNothingLeftIn(socketRoot);
    }

    @Test
    void shouldFailWithTheReasonWhenWorldIsNotThere() {
        ExampleOutput.run(HelloWorldUnix::run, "hello", "--socket-root", socketRoot + "/", "--timeout", "1")
                .assertStatus(1)
                .assertNoLineStarting("hello: got a message")
                .assertErrLineStarting("hello-unix: failed: no answer from world within 1 s (last error: ENOENT");
    }

    @Test
    void shouldRefuseAnUnknownOption() {
        ExampleOutput.run(HelloWorldUnix::run, "--sokcet-root", "x")
                .assertStatus(2)
                .assertErrLineStarting("hello-unix: unexpected argument '--sokcet-root'");
    }
}
