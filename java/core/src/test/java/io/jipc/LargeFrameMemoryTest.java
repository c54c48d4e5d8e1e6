package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import io.jipc.proto.v1.Envelope;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoding a frame at {@code maxFrameBytes} (the default, 16 MiB) costs a small multiple of its size, whatever its
 * shape (proto/README.md section 7, "Memory per frame"): a server in a child JVM with an 80 MiB heap receives frames
 * built to be costly as trees (millions of empty objects, with the peer id node-ipc reads at the top of data) and
 * keeps serving its other client; built as trees, one such frame needs several hundred MiB.
 */
class LargeFrameMemoryTest {
    private static final int MAX_FRAME = 16 * 1024 * 1024;
    private static final byte[] PREAMBLE = {(byte) 0x8F, 'j', 'i', 'p', 'c', 1};
    private Process child;
    private final List<Ipc> open = new ArrayList<>();

    /**
     * The child: serves {@code ID} under socketRoot {@code ROOT} with the default maxFrameBytes; answers {@code ping}
     * with {@code pong} and {@code big} with {@code got} carrying the sender's peer id (read without the data);
     * prints {@code READY}, then {@code error CODE MESSAGE} and {@code gone ID} lines.
     */
    static final class Server {
        private Server() {
        }

        /**
         * @param args ROOT ID
         */
        public static void main(String[] args) throws Exception {
            Ipc ipc = Ipc.create(IpcConfig.defaults().id(args[1]).socketRoot(args[0]).silent(true));
            IpcServer server = ipc.serve();
            server.on("ping", (d, s) -> s.emit("pong", d));
            server.on("big", (d, s) -> s.emit("got", s.peerId().orElse("none")));
            server.on("error", (d, s) -> System.out.println("error " + d.error().get().code() + " "
                    + d.error().get().getMessage()));
            server.on("socket.disconnected", (d, s) -> System.out.println("gone " + s.id()));
            server.start();
            System.out.println("READY");
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    @AfterEach
    void stop() throws Exception {
        open.forEach(Ipc::close);
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A JSON frame of exactly {@code size} bytes plus the delimiter: {"id":..., "a":[{},{},...]} in data. */
    private static byte[] jsonFrame(int size) {
        String head = "{\"type\":\"big\",\"data\":{\"id\":\"peer-7\",\"a\":[{}";
        String tail = "]}}";
        int n = (size - head.length() - tail.length()) / 3;
        int pad = size - head.length() - tail.length() - 3 * n; // spaces where JSON allows them
        StringBuilder sb = new StringBuilder(size + 1).append(head);
        for (int i = 0; i < n; i++) {
            sb.append(",{}");
        }
        sb.append(" ".repeat(pad)).append(tail).append('\f');
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Tag and length of a length-delimited field. */
    private static void field(ByteArrayOutputStream out, int tag, int length) throws IOException {
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeUInt32NoTag(tag);
        c.writeUInt32NoTag(length);
        c.flush();
    }

    /**
     * The preamble and an Envelope of at most {@code size} bytes, written by hand (building it with protobuf-java
     * would take the memory this test is about): type big, data {"id":"peer-7","a":[{},{},...]}.
     */
    private static byte[] protoFrame(int size) throws IOException {
        byte[] id = {0x0a, 0x02, 'i', 'd', 0x12, 0x08, 0x1a, 0x06, 'p', 'e', 'e', 'r', '-', '7'}; // map entry id
        int n = (size - 64) / 4;
        ByteArrayOutputStream list = new ByteArrayOutputStream(4 * n);
        for (int i = 0; i < n; i++) {
            list.write(new byte[] {0x0a, 0x02, 0x2a, 0x00}, 0, 4); // ListValue.values: Value{struct_value {}}
        }
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        field(a, 0x32, list.size()); // Value.list_value
        list.writeTo(a);
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        entry.write(new byte[] {0x0a, 0x01, 'a'}, 0, 3);
        field(entry, 0x12, a.size());
        a.writeTo(entry);
        ByteArrayOutputStream struct = new ByteArrayOutputStream();
        field(struct, 0x0a, id.length);
        struct.write(id, 0, id.length);
        field(struct, 0x0a, entry.size());
        entry.writeTo(struct);
        ByteArrayOutputStream env = new ByteArrayOutputStream();
        env.write(new byte[] {0x0a, 0x03, 'b', 'i', 'g'}, 0, 5);
        field(env, 0x12, struct.size() + 1 + CodedOutputStream.computeUInt32SizeNoTag(struct.size()));
        field(env, 0x2a, struct.size()); // Value.struct_value
        struct.writeTo(env);
        assertTrue(env.size() <= size, "at most maxFrameBytes");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(PREAMBLE, 0, PREAMBLE.length);
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeUInt32NoTag(env.size());
        c.flush();
        env.writeTo(out);
        return out.toByteArray();
    }

    private static String take(BlockingQueue<String> q) throws InterruptedException {
        String s = q.poll(60, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("nothing within 60 s");
        }
        return s;
    }

    @ParameterizedTest(name = "proto: {0}")
    @ValueSource(booleans = {false, true})
    void shouldHandleCostlyFramesAtTheLimitInASmallHeap(boolean proto) throws Exception {
        String root = Net.tempSocketRoot();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx80m",
                "-XX:TieredStopAtLevel=1", "-Djipc.transport=" + System.getProperty("jipc.transport", "auto"), "-cp",
                System.getProperty("java.class.path"), Server.class.getName(), root, "world");
        child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("reader: " + e);
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        assertEquals("READY", take(lines));

        Ipc ipc = Ipc.create(Net.config("good", root));
        open.add(ipc);
        BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        IpcClient good = ipc.connectTo("world", root + "app.world", c -> c.on("pong", d -> pongs.add(d.asText())));
        good.emit("ping", "0");
        assertEquals("0", take(pongs));

        byte[] frame = proto ? protoFrame(MAX_FRAME) : jsonFrame(MAX_FRAME);
        try (SocketChannel big = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            big.connect(UnixDomainSocketAddress.of(root + "app.world"));
            InputStream in = Channels.newInputStream(big);
            for (int round = 1; round <= 3; round++) {
                ByteBuffer b = ByteBuffer.wrap(frame);
                if (round > 1 && proto) {
                    b.position(PREAMBLE.length); // the preamble only once per connection
                }
                while (b.hasRemaining()) {
                    big.write(b);
                }
                java.util.concurrent.CompletableFuture<String> reply = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> proto ? readEnvelope(in) : readJson(in));
                assertEquals("peer-7", reply.get(60, TimeUnit.SECONDS), "round " + round
                        + ": handled, and the peer id found at the top level of data");
                good.emit("ping", Integer.toString(round));
                assertEquals(Integer.toString(round), take(pongs), "the other client is still served");
            }
            assertEquals(null, lines.poll(200, TimeUnit.MILLISECONDS), "no error or disconnect in the child");
        }
        assertEquals("gone 2", take(lines), "the big frames' sender leaves when it closes, not before");
        assertTrue(child.isAlive());
    }

    private static String readJson(InputStream in) {
        try {
            return readJsonFrame(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readJsonFrame(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\f') {
            if (c < 0) {
                throw new AssertionError("connection closed: " + out.toString(StandardCharsets.UTF_8));
            }
            out.write(c);
        }
        String reply = out.toString(StandardCharsets.UTF_8);
        assertTrue(reply.startsWith("{\"type\":\"got\",\"data\":\""), reply);
        return reply.substring(reply.indexOf(":\"", 10) + 2, reply.length() - 2);
    }

    private static String readEnvelope(InputStream in) {
        Envelope e;
        try {
            e = Envelope.parseDelimitedFrom(in);
        } catch (IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
        if (e == null) {
            throw new AssertionError("connection closed");
        }
        assertEquals("got", e.getType());
        return e.getData().getStringValue();
    }
}
