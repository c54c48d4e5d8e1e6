package io.jipc.examples;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * node-ipc's rawBuffer example ({@code example/unixWindowsSocket/rawBuffer}): with {@code rawBuffer} on both ends
 * there are no events and no JSON, only bytes. "hello" connects to "world" over a Unix socket and writes six bytes
 * (not text: {@code 00 01 7f 80 fe ff}); world answers each chunk it receives with every byte inverted; hello
 * reads until six bytes came back and checks them.
 *
 * <pre>
 * java -jar jipc-examples.jar raw-buffer [--socket-root DIR] [--timeout SECONDS]
 * </pre>
 *
 * A raw stream has no message boundaries: what one side writes at once may arrive in several {@code data} events,
 * or together with the next write. That is why world transforms byte by byte and hello counts bytes.
 */
public final class RawBuffer {
    /** What hello sends. */
    static final byte[] REQUEST = {0x00, 0x01, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};

    private RawBuffer() {
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args {@code [--socket-root DIR] [--timeout SECONDS]}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the example.
     *
     * @param args as for {@link #main}
     * @param out where the exchange is printed
     * @param err where a failure is printed
     * @return 0 when hello got the inverted bytes back, 1 when not, 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return ExampleRunner.exitStatus("raw-buffer", out, err, () -> {
            ExampleArgs options = ExampleArgs.parse(args, false, "socket-root");
            String socketRoot = options.option("socket-root", "/tmp/");
            Ipc world = startWorld(socketRoot, out);
            try {
                byte[] answer = hello(socketRoot, options, out);
                if (!Arrays.equals(answer, inverted(REQUEST))) {
                    throw new ExampleFailure("expected " + hex(inverted(REQUEST)) + " back, got " + hex(answer));
                }
                out.println("hello: every byte came back inverted");
            } finally {
                world.close();
            }
        });
    }

    /** node-ipc's world.server.js in rawBuffer mode: a "data" event per chunk, written back with write(). */
    private static Ipc startWorld(String socketRoot, PrintStream out) {
        Ipc ipc = Ipc.create(IpcConfig.defaults().id("world").socketRoot(socketRoot).rawBuffer(true));
        IpcServer server = ipc.serve();
        server.on("data", (data, socket) -> {
            byte[] chunk = data.bytes();
            out.println("world: got " + chunk.length + " bytes: " + hex(chunk));
            socket.write(inverted(chunk));
        });
        server.start();
        out.println("world: listening in rawBuffer mode on " + server.address());
        return ipc;
    }

    /** node-ipc's hello-client.js in rawBuffer mode: write bytes, collect "data" chunks. */
    private static byte[] hello(String socketRoot, ExampleArgs options, PrintStream out) {
        Expected<byte[]> answer = new Expected<>("answer of " + REQUEST.length + " bytes from world");
        ByteArrayOutputStream received = new ByteArrayOutputStream(); // touched on the I/O thread only
        try (Ipc ipc = Ipc.create(IpcConfig.defaults().id("hello").socketRoot(socketRoot).rawBuffer(true))) {
            ipc.connectTo("world", world -> {
                world.on("connect", () -> {
                    out.println("hello: connected, writing " + REQUEST.length + " bytes: " + hex(REQUEST));
                    world.write(REQUEST);
                });
                world.on("data", data -> {
                    received.writeBytes(data.bytes());
                    if (received.size() >= REQUEST.length) {
                        answer.complete(received.toByteArray());
                    }
                });
                world.on("error", answer::noteError);
            });
            byte[] bytes = answer.await(options.timeout());
            out.println("hello: got " + bytes.length + " bytes: " + hex(bytes));
            return bytes;
        }
    }

    private static byte[] inverted(byte[] bytes) {
        byte[] result = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            result[i] = (byte) ~bytes[i];
        }
        return result;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }
}
