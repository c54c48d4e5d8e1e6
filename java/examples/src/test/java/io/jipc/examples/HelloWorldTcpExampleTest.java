package io.jipc.examples;

import org.junit.jupiter.api.Test;

class HelloWorldTcpExampleTest {
    @Test
    void shouldExchangeHelloWorldOverTcp() {
        ExampleOutput.run(HelloWorldTcp::run, "--host", "127.0.0.1", "--port", "0")
                .assertSucceeded("hello-tcp")
                .assertLineStarting("world: listening on /127.0.0.1:")
                .assertLineStarting("hello: connected to world at 127.0.0.1:")
                .assertLineStarting("world: got a message from /127.0.0.1:")
                .assertLine("hello: got a message from world: hello world!");
    }
}
