package io.jipc.examples;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BroadcastExampleTest {
    @Test
    void shouldDeliverTheBroadcastToEveryClient(@TempDir Path socketRoot) {
        ExampleOutput run = ExampleOutput.run(Broadcast::run, "--socket-root", socketRoot + "/")
                .assertSucceeded("broadcast")
                .assertLine("world: heard from all 3 clients, broadcasting kill.connection to 3 sockets")
                .assertLine("world: every client received the broadcast")
                .assertNothingLeftIn(socketRoot);
        for (String id : Broadcast.CLIENTS) {
            run.assertLine("world: got a message from " + id + ": " + id + " is here")
                    .assertLine(id + ": got the broadcast from world: goodbye, everyone");
        }
    }
}
