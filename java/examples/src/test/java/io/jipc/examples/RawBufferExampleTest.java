package io.jipc.examples;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawBufferExampleTest {
    @Test
    void shouldSendBytesAndGetThemBackInverted(@TempDir Path socketRoot) {
        ExampleOutput.run(RawBuffer::run, "--socket-root", socketRoot + "/")
                .assertSucceeded("raw-buffer")
                .assertLine("hello: connected, writing 6 bytes: 00 01 7f 80 fe ff")
                .assertLine("hello: got 6 bytes: ff fe 80 7f 01 00")
                .assertLine("hello: every byte came back inverted")
                .assertNothingLeftIn(socketRoot);
    }
}
