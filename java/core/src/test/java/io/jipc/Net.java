package io.jipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The two stream transports every behaviour test runs on. */
enum Net {
    UNIX, TCP;

    private static final java.util.List<Path> TEMP_ROOTS = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TEMP_ROOTS.forEach(Net::deleteTree)));
    }

    /**
     * Skips a test of a refused TCP connect when the native library under test is the Linux build of the kqueue
     * backend ({@code -Djipc.libkqueue=true}, set by jipc-native's core-suite-kqueue execution). libkqueue emulates
     * kqueue on epoll and reads (so clears) a socket's pending error when it reports the event, so the refusal never
     * reaches {@code jipc_connect_result} and a refused connect looks established; a real kqueue keeps the error.
     *
     * @param net the test's transport
     */
    static void assumeRefusedTcpConnectVisible(Net net) {
        org.junit.jupiter.api.Assumptions.assumeFalse(net == TCP && Boolean.getBoolean("jipc.libkqueue"),
                "libkqueue clears a refused TCP connect's pending error when it reports the event (a real kqueue "
                        + "keeps it), so the refusal cannot be seen through the kqueue test build");
    }

    /** A temporary socketRoot ("/tmp/jipc-xxxx/"), short enough for sun_path; removed with its contents at exit. */
    static String tempSocketRoot() {
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "jipc-");
            TEMP_ROOTS.add(dir);
            return dir + "/";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort at exit
        }
    }

    /** A config for tests: quiet, fast retry, a private socketRoot. */
    static IpcConfig config(String id, String socketRoot) {
        return IpcConfig.defaults().id(id).socketRoot(socketRoot).silent(true).retry(Duration.ofMillis(50))
                .networkHost("127.0.0.1");
    }

    /** Makes (does not start) a server of this kind; TCP servers bind port 0 unless a port is given. */
    IpcServer serve(Ipc ipc, int port) {
        return this == UNIX ? ipc.serve() : ipc.serveNet("127.0.0.1", port);
    }

    IpcServer serve(Ipc ipc) {
        return serve(ipc, 0);
    }

    /** Connects a client, known in {@code ipc.of} as {@code id}, to a started server of this kind. */
    IpcClient connect(Ipc ipc, String id, IpcServer server) {
        return connect(ipc, id, server, null);
    }

    /** Same, with handlers registered by {@code setup} before the first connection attempt. */
    IpcClient connect(Ipc ipc, String id, IpcServer server, java.util.function.Consumer<IpcClient> setup) {
        if (this == UNIX) {
            return ipc.connectTo(id, ((java.net.UnixDomainSocketAddress) server.address()).getPath().toString(),
                    setup);
        }
        return ipc.connectToNet(id, "127.0.0.1", port(server), setup);
    }

    static int port(IpcServer server) {
        return ((InetSocketAddress) server.address()).getPort();
    }
}
