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
 *   <li>{@code restarts ROOT ID N}: starts and stops a server with default modes N times, prints
 *       {@code done STARTED FAILED} and exits (for {@link SocketRaceTest}, run under {@code umask 000}).
 *   <li>{@code ack-server HOST PORT}: a TCP server that records each {@code seq} message's number and answers
 *       {@code ack} with it; prints {@code READY}, events as above (errors with their message), and on the input
 *       line {@code report} prints {@code report DISTINCT DUPLICATES FIRST_MISSING} (for {@link NetnsTest}).
 *   <li>{@code ack-client HOST PORT [OFFLINE_QUEUE]}: a TCP client that emits numbered {@code seq} messages (one
 *       every 2 ms, at most 1000 unacknowledged; offlineQueue OFFLINE_QUEUE, default 0), counts one as delivered
 *       when its {@code ack} arrives and re-sends the unacknowledged ones after each reconnect; prints
 *       {@code connect}, {@code disconnect}, {@code error CODE}; on the input line {@code mark} prints
 *       {@code mark EMITTED ACKED}, on {@code stop} stops emitting, waits for the acks and prints
 *       {@code done EMITTED ACKED RESENT CONNECTS}.
 * </ul>
 *
 * <p>The {@code ack-} modes end when their input closes; the others wait to be killed.
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
            case "restarts": {
                int started = 0;
                int failed = 0;
                try (Ipc ipc = Ipc.create(IpcConfig.defaults().id(args[2]).socketRoot(args[1]).silent(true))) {
                    IpcServer server = ipc.serve();
                    for (int i = 0; i < Integer.parseInt(args[3]); i++) {
                        try {
                            server.start();
                            started++;
                            server.stop();
                        } catch (IpcException e) {
                            failed++;
                        }
                    }
                }
                System.out.println("done " + started + " " + failed);
                return;
            }
            case "ack-server":
                ackServer(args[1], Integer.parseInt(args[2]));
                return;
            case "ack-client":
                ackClient(args[1], Integer.parseInt(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 0);
                return;
            default:
                throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static String code(Message d) {
        return d.error().map(IpcException::code).orElse("?");
    }

    private static void ackServer(String host, int port) throws Exception {
        java.util.BitSet seen = new java.util.BitSet();
        long[] duplicates = new long[1];
        try (Ipc ipc = Ipc.create(IpcConfig.defaults().id("netserver").silent(true))) {
            IpcServer server = ipc.serveNet(host, port);
            server.on("seq", (d, s) -> {
                int n = d.json().asInt();
                synchronized (seen) {
                    if (seen.get(n)) {
                        duplicates[0]++;
                    } else {
                        seen.set(n);
                    }
                }
                s.emit("ack", n); // recorded first, then acknowledged
            });
            server.on("connect", (d, s) -> say("connect " + s.id()));
            server.on("socket.disconnected", (d, s) -> say("gone " + s.id()));
            server.on("error", (d, s) -> say("error " + code(d) + " " + d.error().map(Throwable::getMessage)
                    .orElse("")));
            server.start();
            say("READY " + ProcessHandle.current().pid());
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null;) {
                if (line.equals("report")) {
                    synchronized (seen) {
                        say("report " + seen.cardinality() + " " + duplicates[0] + " " + seen.nextClearBit(0));
                    }
                }
            }
        }
    }

    private static void ackClient(String host, int port, int offlineQueue) throws Exception {
        java.util.Set<Integer> unacked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger emitted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger acked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger resent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(1000);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try (Ipc ipc = Ipc.create(IpcConfig.defaults().id("netclient").silent(true)
                .retry(java.time.Duration.ofMillis(200)).maxRetries(100_000).offlineQueue(offlineQueue))) {
            IpcClient client = ipc.connectToNet("netserver", host, port, c -> {
                c.on("ack", d -> {
                    if (unacked.remove(d.json().asInt())) {
                        acked.incrementAndGet();
                        window.release();
                    }
                });
                c.on("connect", () -> {
                    say("connect");
                    if (connects.incrementAndGet() > 1) {
                        for (Integer n : unacked.toArray(new Integer[0])) {
                            resent.incrementAndGet();
                            c.emit("seq", n);
                        }
                    }
                });
                c.on("disconnect", () -> say("disconnect"));
                c.on("error", d -> say("error " + code(d)));
            });
            Thread emitter = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        if (!window.tryAcquire(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        int n = emitted.get();
                        unacked.add(n);
                        emitted.incrementAndGet();
                        client.emit("seq", n); // a failed emit stays unacknowledged: re-sent on reconnect
                        Thread.sleep(2);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ack-emitter");
            emitter.start();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null;) {
                if (line.equals("mark")) {
                    say("mark " + emitted.get() + " " + acked.get());
                } else if (line.equals("stop")) {
                    stop.set(true);
                    emitter.join();
                    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                    while (acked.get() < emitted.get() && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    say("done " + emitted.get() + " " + acked.get() + " " + resent.get() + " " + connects.get());
                }
            }
        }
    }
}
