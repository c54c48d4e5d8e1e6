package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client's emits keep their order across the moment its first connection opens: what the connectTo setup callback
 * emitted (held until there is a channel) goes out before what a {@code connect} handler emits on the I/O thread,
 * which may run before connectTo has returned.
 */
class ClientEarlyOrderTest {
    private static final int CLIENTS = 200;
    private final List<Ipc> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(Ipc::close);
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldSendTheSetupsEmitsBeforeTheConnectHandlers(Net net) throws Exception {
        Ipc world = Ipc.create(Net.config("world", Net.tempSocketRoot()).maxConnections(CLIENTS + 1));
        open.add(world);
        IpcServer server = net.serve(world);
        Map<String, List<String>> got = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(CLIENTS);
        server.on("n", (data, socket) -> {
            List<String> frames = got.computeIfAbsent(socket.id(), k -> new ArrayList<>());
            frames.add(data.asText());
            if (frames.size() == 2) {
                all.countDown();
            }
        });
        server.start();
        Ipc hello = Ipc.create(Net.config("hello", Net.tempSocketRoot()));
        open.add(hello);
        for (int i = 0; i < CLIENTS; i++) {
            net.connect(hello, "world" + i, server, c -> {
                c.on("connect", () -> c.emit("n", "from connect"));
                c.emit("n", "from setup");
            });
        }
        assertEquals(true, all.await(30, TimeUnit.SECONDS), "every client's two frames arrived: " + got);
        for (Map.Entry<String, List<String>> e : got.entrySet()) {
            assertEquals(List.of("from setup", "from connect"), e.getValue(), "socket " + e.getKey());
        }
    }
}
