package io.jipc.examples;

import org.junit.jupiter.api.Test;

class UdpExampleTest {
    @Test
    void shouldExchangeOneDatagramEachWay() {
        ExampleOutput.run(Udp::run, "--host", "127.0.0.1", "--port", "0", "--hello-port", "0")
                .assertSucceeded("udp")
                .assertLineStarting("world: listening for udp4 datagrams on /127.0.0.1:")
                .assertLineStarting("world: got a datagram from hello at /127.0.0.1:")
                .assertLine("hello: got a datagram from world: hello world!");
    }
}
