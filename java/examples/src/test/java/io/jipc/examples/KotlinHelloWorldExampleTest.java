package io.jipc.examples;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KotlinHelloWorldExampleTest {
    @Test
    void shouldExchangeThreeMessagesThroughFlows(@TempDir Path socketRoot) {
        ExampleOutput run = ExampleOutput.run(KotlinHelloWorld::run, "--socket-root", socketRoot + "/")
                .assertSucceeded("kotlin-hello")
                .assertLine("hello: connected to world")
                .assertNothingLeftIn(socketRoot);
        for (String greeting : new String[] {"hello", "hi", "hey"}) {
            run.assertLine("world: got a message: " + greeting)
                    .assertLine("hello: got a message from world: " + greeting + " world!");
        }
    }
}
