package io.jipc.examples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeIpcPeerExampleTest {
    @TempDir
    Path socketRoot;

    @ParameterizedTest
    @CsvSource({"9, 9.2.1", "14, 14.0.0"})
    void shouldAnswerARealNodeIpcClient(String major, String version) {
        Path nodeModules = Path.of(System.getProperty("jipc.nodeipc.dir", "../../ci/node-ipc"), "node_modules");
        assumeTrue(Files.isDirectory(nodeModules),
                () -> "node-ipc peers not installed in " + nodeModules + " (run: bash ci/node-ipc/install.sh)");
        ExampleOutput.run(NodeIpcPeer::run, "--node-ipc-version", major, "--socket-root", socketRoot + "/")
                .assertSucceeded("node-ipc-peer")
                .assertLine("hello (node-ipc " + version + "): connected to world")
                .assertLine("world (jipc): got a message: hello")
                .assertLine("hello (node-ipc " + version + "): got a message from world: hello world!")
                .assertLine("world (jipc): the node-ipc client said hello and got its answer")
                .assertNothingLeftIn(socketRoot);
    }
}
