package io.jipc;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A child JVM for {@link KillTest}, killed with SIGKILL by the test. Prints one line when ready, then waits.
 *
 * <ul>
 *   <li>{@code half-frame PATH}: connects to the Unix socket PATH, writes half a frame, prints {@code SENT}.
 *   <li>{@code server ROOT ID}: serves ID under socketRoot ROOT (replying {@code pong} with its pid to {@code ping}),
 *       prints {@code READY}.
 * </ul>
 */
public final class Child {
    private Child() {
    }

    /**
     * @param args the mode and its arguments
     * @throws Exception to end the child with a stack trace
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "half-frame": {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(args[1]));
                ByteBuffer b = ByteBuffer.wrap("{\"type\":\"echo\",\"da".getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                System.out.println("SENT");
                break;
            }
            case "server": {
                Ipc ipc = Ipc.create(IpcConfig.defaults().id(args[2]).socketRoot(args[1]).silent(true));
                IpcServer server = ipc.serve();
                long pid = ProcessHandle.current().pid();
                server.on("ping", (d, s) -> s.emit("pong", pid));
                server.start();
                System.out.println("READY " + pid);
                break;
            }
            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed
    }
}
