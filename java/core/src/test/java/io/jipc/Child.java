package io.jipc;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A child JVM for {@link KillTest}, killed with SIGKILL by the test. Prints one line when ready, then waits.
 *
 * <ul>
 *   <li>{@code half-frame PATH}: connects to the Unix socket PATH, writes half a frame, prints {@code SENT}.
 *   <li>{@code server ROOT ID}: serves ID under socketRoot ROOT (replying {@code pong} with its pid to {@code ping}),
 *       prints {@code READY}.
 *   <li>{@code event-server ROOT ID}: the same, and prints each server event as a line: {@code connect ID},
 *       {@code gone ID}, {@code error CODE MESSAGE} (for {@link FdFaultTest}, run under a low {@code ulimit -n}).
 * </ul>
 */
public final class Child {
    private Child() {
    }

    /** Loads every class of the main jipc classes directories on the class path; returns how many. */
    private static int preloadMainClasses() throws Exception {
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            java.nio.file.Path dir = java.nio.file.Path.of(entry);
            if (!java.nio.file.Files.isDirectory(dir) || entry.contains("test-classes")) {
                continue;
            }
            List<String> names;
            try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.walk(dir)) {
                names = all.map(p -> dir.relativize(p).toString()).filter(p -> p.endsWith(".class")
                        && !p.endsWith("module-info.class") && !p.endsWith("package-info.class"))
                        .map(p -> p.substring(0, p.length() - 6).replace('/', '.')).collect(Collectors.toList());
            }
            for (String name : names) {
                Class.forName(name, true, Child.class.getClassLoader());
                n++;
            }
        }
        return n;
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
            case "event-server": {
                Ipc ipc = Ipc.create(IpcConfig.defaults().id(args[2]).socketRoot(args[1]).silent(true));
                IpcServer server = ipc.serve();
                long pid = ProcessHandle.current().pid();
                server.on("ping", (d, s) -> s.emit("pong", pid));
                server.on("connect", (d, s) -> System.out.println("connect " + s.id()));
                server.on("socket.disconnected", (d, s) -> System.out.println("gone " + s.id()));
                server.on("error", (d, s) -> System.out.println("error " + d.error().map(e -> e.code() + " "
                        + e.getMessage()).orElse("?")));
                // with no descriptor left a class file cannot be opened: load jipc's classes now
                System.out.println("loaded " + preloadMainClasses() + " " + new IpcException("EIO", "x").code());
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
