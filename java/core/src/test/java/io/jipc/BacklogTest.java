package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A Unix-socket server whose listen backlog is full refuses connects with EAGAIN: that is a busy server, not a failed
 * attempt, so the client tries again quietly (no error event, no retry used) and connects once the server accepts.
 */
class BacklogTest {

    @Test
    void shouldWaitQuietlyForRoomInAFullListenBacklog() throws Exception {
        String root = Net.tempSocketRoot();
        Path path = Path.of(root + "app.busy");
        List<SocketChannel> fillers = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                Ipc ipc = Ipc.create(Net.config("hello", root).maxRetries(0))) {
            server.bind(UnixDomainSocketAddress.of(path), 1);
            // fill the backlog: non-blocking connects until the kernel refuses one
            boolean full = false;
            for (int i = 0; i < 64 && !full; i++) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.configureBlocking(false);
                try {
                    ch.connect(UnixDomainSocketAddress.of(path));
                    fillers.add(ch);
                } catch (IOException refused) {
                    ch.close();
                    full = true;
                }
            }
            Assumptions.assumeTrue(full, "the kernel never refused a connect to a backlog of 1");

            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch connected = new CountDownLatch(1);
            IpcClient client = ipc.connectTo("busy", path.toString(), c -> {
                c.on("connect", connected::countDown);
                c.on("error", d -> errors.add(d.error().map(Throwable::toString).orElse("?")));
            });
            // while the backlog stays full the client keeps trying: it is neither connected nor failed
            assertTrue(!connected.await(300, TimeUnit.MILLISECONDS), "connected although the backlog is full");
            assertEquals(List.of(), List.copyOf(errors), "a full backlog is reported as an error");
            assertEquals(ConnectionState.CONNECTING, client.state());

            // the server accepts: room in the backlog, and the client gets in without an error or a retry spent
            for (int i = 0; i < fillers.size(); i++) {
                server.accept().close();
            }
            try (SocketChannel accepted = server.accept()) { // the client's connection, kept open
                assertTrue(connected.await(30, TimeUnit.SECONDS), "never connected; errors: " + errors);
                assertEquals(List.of(), List.copyOf(errors));
                assertEquals(ConnectionState.CONNECTED, client.state());
                assertTrue(accepted.isConnected());
            }
        } finally {
            for (SocketChannel ch : fillers) {
                ch.close();
            }
        }
    }
}
