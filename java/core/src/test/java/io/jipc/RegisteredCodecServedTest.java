package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.internal.codec.Codecs;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The codec seam: a codec that only the tests know ({@link LengthPrefixedCodec}), registered from test code with
 * {@link Codecs#with}, is detected and served end to end by a real AUTO server next to the built-in codecs, and spoken
 * by a real client; on Unix sockets and TCP, on whichever transport the run uses (NIO, or native in the native
 * module's run).
 */
class RegisteredCodecServedTest {
    private static final LengthPrefixedCodec CODEC = new LengthPrefixedCodec();
    private final List<Ipc> open = new ArrayList<>();

    private Ipc ipc(IpcConfig config, Codecs codecs) {
        Ipc ipc = Ipc.create(config, codecs);
        open.add(ipc);
        return ipc;
    }

    @AfterEach
    void closeAll() {
        open.forEach(Ipc::close);
    }

    private static <T> T take(BlockingQueue<T> q) throws InterruptedException {
        T m = q.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("nothing within 10 s");
        }
        return m;
    }

    private static <T> T await(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldServeARegisteredCodecNextToTheBuiltInOnes(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root), Codecs.builtIn().with(CODEC)));
        BlockingQueue<Message> seen = new LinkedBlockingQueue<>();
        server.on("message", (data, socket) -> {
            seen.add(data);
            socket.emit("message", data);
        });
        server.on("sum", (data, socket) -> data.reply(data.json().get("a").intValue()
                + data.json().get("b").intValue()));
        server.on("fail", (data, socket) -> data.replyError("EDEMO", "refused on purpose"));
        server.start();

        // the client speaks the test codec: its registry names it for wire PROTO
        BlockingQueue<Message> got = new LinkedBlockingQueue<>();
        IpcClient lp = net.connect(ipc(Net.config("lp", root).wire(Wire.PROTO), Codecs.builtIn().with(CODEC,
                Wire.PROTO)), "world", server);
        lp.on("message", got::add);
        BlockingQueue<Message> gotJson = new LinkedBlockingQueue<>();
        IpcClient json = net.connect(ipc(Net.config("json", root), Codecs.builtIn()), "world", server);
        json.on("message", gotJson::add);
        BlockingQueue<Message> gotProto = new LinkedBlockingQueue<>();
        IpcClient proto = net.connect(ipc(Net.config("proto", root).wire(Wire.PROTO), Codecs.builtIn()), "world",
                server);
        proto.on("message", gotProto::add);

        lp.emit("message", Map.of("n", 1, "s", "é€😀"));
        Message in = take(seen);
        assertEquals(1, in.json().get("n").intValue());
        assertEquals("é€😀", in.json().get("s").textValue());
        Message echo = take(got);
        assertEquals(1, echo.json().get("n").intValue());
        assertEquals("é€😀", echo.json().get("s").textValue());
        assertEquals(5, await(lp.request("sum", Map.of("a", 2, "b", 3))).json().intValue());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> await(lp.request("fail", "x")));
        IpcException failure = assertInstanceOf(IpcException.class, e.getCause());
        assertEquals("EREMOTE", failure.code());
        assertTrue(failure.getMessage().contains("EDEMO: refused on purpose"), failure.getMessage());

        // the built-in codecs still work on the same server, and a broadcast reaches each client in its own codec
        json.emit("message", "from json");
        assertEquals("from json", take(gotJson).asText());
        proto.emit("message", "from proto");
        assertEquals("from proto", take(gotProto).asText());
        while (server.sockets().size() < 3) {
            Thread.sleep(10);
        }
        await(server.broadcast("message", List.of(1, 2)));
        assertEquals("[1,2]", take(got).asText());
        assertEquals("[1,2]", take(gotJson).asText());
        assertEquals("[1,2]", take(gotProto).asText());

        // the test codec's own (non-JSON) data, relayed as received to every codec: its format says what it is
        server.on("relay", (data, socket) -> server.broadcast("message", data));
        lp.emit("relay", "plain \"text\" é€😀");
        assertEquals("plain \"text\" é€😀", take(got).asText());
        assertEquals("plain \"text\" é€😀", take(gotJson).asText());
        assertEquals("plain \"text\" é€😀", take(gotProto).asText());
        lp.emit("relay", Map.of("n", 2));
        assertEquals(2, take(got).json().get("n").intValue());
        assertEquals(2, take(gotJson).json().get("n").intValue());
        assertEquals(2, take(gotProto).json().get("n").intValue());
        proto.emit("relay", "from a protobuf peer"); // another codec's data, written by the test codec's encoder
        assertEquals("from a protobuf peer", take(got).asText());
        assertEquals("from a protobuf peer", take(gotJson).asText());
        assertEquals("from a protobuf peer", take(gotProto).asText());
    }

    @ParameterizedTest
    @EnumSource(Net.class)
    void shouldDetectTheRegisteredCodecFromARawSocketAndRefuseAMalformedFrame(Net net) throws Exception {
        String root = Net.tempSocketRoot();
        IpcServer server = net.serve(ipc(Net.config("world", root), Codecs.builtIn().with(CODEC)));
        BlockingQueue<Message> seen = new LinkedBlockingQueue<>();
        server.on("hello", (data, socket) -> seen.add(data));
        server.on("error", (data, socket) -> seen.add(data));
        server.start();
        try (SocketChannel ch = net == Net.UNIX
                ? SocketChannel.open(UnixDomainSocketAddress.of(((UnixDomainSocketAddress) server.address()).getPath()))
                : SocketChannel.open(new InetSocketAddress("127.0.0.1", Net.port(server)))) {
            byte[] frame = LengthPrefixedCodec.frame("hello", 0, 0, null, LengthPrefixedCodec.text("there"));
            // split inside the length: the decoder waits for the rest
            ch.write(ByteBuffer.wrap(frame, 0, 3));
            Thread.sleep(50);
            ch.write(ByteBuffer.wrap(frame, 3, frame.length - 3));
            Message hello = take(seen);
            assertEquals("hello", hello.type());
            assertEquals("there", hello.asText());
            ch.write(ByteBuffer.wrap(new byte[] {0x7b, 0, 0, 0, 0})); // not a frame of this codec
            Message error = take(seen);
            assertEquals("error", error.type());
            assertEquals("EMALFORMED", error.json().get("code").textValue());
            assertTrue(error.json().get("message").textValue().contains("not 0xa5"), error.asText());
            // the server closes the connection after the protocol error
            ByteBuffer rest = ByteBuffer.allocate(64);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int n = 0;
            while (n >= 0 && System.nanoTime() < deadline) {
                rest.clear();
                n = ch.read(rest);
            }
            assertEquals(-1, n, "closed by the server");
        }
    }
}
