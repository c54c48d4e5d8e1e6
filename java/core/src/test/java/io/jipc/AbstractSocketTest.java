package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Linux abstract-namespace sockets ({@code @name}): served and reached on the native transport, refused on NIO. */
class AbstractSocketTest {
    private final List<Ipc> open = new ArrayList<>();

    private Ipc ipc(String id) {
        Ipc ipc = Ipc.create(Net.config(id, Net.tempSocketRoot()));
        open.add(ipc);
        return ipc;
    }

    @AfterEach
    void closeAll() {
        open.forEach(Ipc::close);
    }

    private static boolean nativeTransport() {
        return "native".equals(System.getProperty("jipc.transport"));
    }

    private static String name() {
        return "@jipc-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @Test
    void shouldServeAndConnectWithoutAFileOnNative() throws Exception {
        assumeTrue(nativeTransport(), "the native transport's case (NIO: shouldRefuseOnNio)");
        String name = name();
        for (int round = 0; round < 2; round++) { // no file is left behind, so the same name serves again
            Ipc world = ipc("world");
            IpcServer server = world.serve(name);
            server.on("ping", (d, s) -> s.emit("pong", s.peerCredentials().map(PeerCredentials::pid).orElse(0L)));
            server.start();
            assertFalse(Files.exists(Path.of(name)), "an abstract socket creates no file");
            BlockingQueue<Message> got = new LinkedBlockingQueue<>();
            IpcClient client = ipc("hello").connectTo("world", name, c -> c.on("pong", got::add));
            client.emit("ping");
            Message pong = got.poll(10, TimeUnit.SECONDS);
            assertEquals(Long.toString(ProcessHandle.current().pid()), pong.asText());
            assertEquals(name, ((java.net.UnixDomainSocketAddress) server.address()).getPath().toString());
            world.close();
        }
    }

    @Test
    void shouldRefuseOnNio() throws Exception {
        assumeFalse(nativeTransport(), "the NIO transport's case");
        String name = name();
        IpcServer server = ipc("world").serve(name);
        IpcException e = assertThrows(IpcException.class, server::start);
        assertEquals("ENOTSUP", e.code());
        assertTrue(e.getMessage().contains("abstract-namespace Unix sockets (@name) need the native transport"),
                e.getMessage());
        assertFalse(Files.exists(Path.of(name)), "no file called @name was created");

        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        Ipc hello = Ipc.create(Net.config("hello", Net.tempSocketRoot()).maxRetries(0));
        open.add(hello);
        hello.connectTo("world", name, c -> c.on("error", d -> errors.add(d.error().get().code() + " "
                + d.error().get().getMessage())));
        String error = errors.poll(10, TimeUnit.SECONDS);
        assertTrue(error != null && error.startsWith("ENOTSUP connect " + name + ": abstract-namespace"), error);
    }
}
