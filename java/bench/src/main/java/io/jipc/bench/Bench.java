package io.jipc.bench;

import io.jipc.ConnectionState;
import io.jipc.IpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end benchmark driver for jipc, comparable with the C physical-limit reference ({@code cbench.c}).
 *
 * <pre>
 * java -jar jipc-bench.jar pingpong uds|tcp|udp|tls [iters=100000] [warmup=20000] [size=64] [--same-jvm]
 * java -jar jipc-bench.jar stream   uds|tcp|tls     [msgs=5000000] [size=64] [--window=16384] [--same-jvm]
 * java -jar jipc-bench.jar broadcast uds|tcp        [clients=100] [msgs=200000] [size=64] [--window=1024]
 * java -jar jipc-bench.jar scale    uds             [connections=10000]
 * </pre>
 *
 * <p>By default the server runs in a second JVM started from this one with the same classpath
 * ({@code Bench server <transport> <dir>}); {@code --same-jvm} runs it in this JVM on its own {@code Ipc} and I/O
 * thread. The Unix socket lives under a fresh temp directory; TCP, UDP and TLS use 127.0.0.1 and a port the OS
 * chooses. UDP (UDP4) has no client in node-ipc: the client side is a second UDP server that emits to the server's
 * address. TLS uses throwaway certificates made with {@code openssl} into a temp directory at startup
 * ({@link BenchCerts}), with mutual authentication; the stream benchmark does not support UDP (no flow control,
 * datagrams may be dropped).
 * Extra JVM options for the server child: environment variable {@code JIPC_BENCH_SERVER_OPTS}. The client speaks
 * node-ipc JSON unless {@code -Djipc.bench.wire=proto} (the server, in its default AUTO mode, follows).
 * {@code -Djipc.bench.busyPollUs=N} turns on {@link io.jipc.IpcConfig#busyPoll busy polling} for N microseconds on
 * both sides (passed on to the server child); result lines then say {@code busypoll=Nus}.
 *
 * <p>Each benchmark prints one line in the format of the C reference, then the same figures as one JSON line.
 * Payloads are {@code size} ASCII characters carried as a JSON string in node-ipc's
 * {@code {"type":...,"data":...}\f} frame, so a 64-character payload is a 90-byte frame for {@code ping} (C: 64
 * bytes, or 68 with its length prefix in the stream test); the frame size is part of the output.
 */
public final class Bench {
    private Bench() {
    }

    /**
     * Command-line entry.
     *
     * @param args see the class description
     * @throws Exception when a benchmark fails
     */
    public static void main(String[] args) throws Exception {
        boolean sameJvm = false;
        Integer window = null;
        List<String> pos = new ArrayList<>();
        for (String a : args) {
            if ("--same-jvm".equals(a)) {
                sameJvm = true;
            } else if (a.startsWith("--window=")) {
                window = Integer.parseInt(a.substring("--window=".length()));
            } else if ("-h".equals(a) || "--help".equals(a)) {
                usage(0);
            } else if (a.startsWith("--")) {
                System.err.println("unknown option " + a);
                usage(2);
            } else {
                pos.add(a);
            }
        }
        if (pos.size() < 2) {
            usage(2);
        }
        String mode = pos.get(0);
        if ("server".equals(mode)) {
            BenchServer.runChild(transport(pos.get(1)), pos.size() > 2 ? pos.get(2) : "-");
            return;
        }
        if ("scale-server".equals(mode)) {
            Scale.runChild(pos.get(1));
            return;
        }
        String t = transport(pos.get(1));
        switch (mode) {
            case "pingpong": {
                PingPong pp = new PingPong(intArg(pos, 2, 100_000), intArg(pos, 3, 20_000), intArg(pos, 4, 64));
                try (ServerHandle s = ServerHandle.start(t, sameJvm)) {
                    pp.run(s);
                }
                break;
            }
            case "stream": {
                if ("udp".equals(t)) {
                    System.err.println("stream does not support udp (no flow control; datagrams may be dropped)");
                    usage(2);
                }
                long msgs = pos.size() > 2 ? Long.parseLong(pos.get(2)) : 5_000_000L;
                StreamBench sb = new StreamBench(msgs, intArg(pos, 3, 64), window == null ? 16384 : window);
                try (ServerHandle s = ServerHandle.start(t, sameJvm)) {
                    sb.run(s);
                }
                break;
            }
            case "broadcast": {
                if (!"uds".equals(t) && !"tcp".equals(t)) {
                    System.err.println("broadcast supports uds and tcp");
                    usage(2);
                }
                long msgs = pos.size() > 3 ? Long.parseLong(pos.get(3)) : 200_000L;
                new Fanout(intArg(pos, 2, 100), msgs, intArg(pos, 4, 64), window == null ? 1024 : window).run(t);
                break;
            }
            case "scale": {
                if (!"uds".equals(t)) {
                    System.err.println("scale supports uds");
                    usage(2);
                }
                new Scale(intArg(pos, 2, 10_000)).run();
                break;
            }
            default:
                System.err.println("unknown mode " + mode);
                usage(2);
        }
        // the I/O threads are closed by then; exit explicitly in case a stray non-daemon thread lingers
        System.exit(0);
    }

    private static String transport(String t) {
        if (!Endpoint.TRANSPORTS.contains(t)) {
            System.err.println("transport must be one of " + String.join(", ", Endpoint.TRANSPORTS) + ", not " + t);
            usage(2);
        }
        return t;
    }

    private static int intArg(List<String> pos, int i, int dflt) {
        return pos.size() > i ? Integer.parseInt(pos.get(i)) : dflt;
    }

    private static void usage(int code) {
        System.err.println("usage: jipc bench pingpong uds|tcp|udp|tls [iters=100000] [warmup=20000] [size=64]"
                + " [--same-jvm]\n"
                + "       jipc bench stream   uds|tcp|tls [msgs=5000000] [size=64] [--window=16384 (0: unthrottled)]"
                + " [--same-jvm]\n"
                + "       jipc bench broadcast uds|tcp [clients=100] [msgs=200000] [size=64] [--window=1024]\n"
                + "       jipc bench scale    uds [connections=10000]\n"
                + "env JIPC_BENCH_SERVER_OPTS: extra JVM options for the server child process");
        System.exit(code);
    }

    /**
     * Waits until a client is connected. The {@code connect} event may fire on the I/O thread before a handler
     * added after {@code connectTo} returned, so the state is checked too.
     *
     * @param client a client that is connecting
     * @throws InterruptedException if interrupted
     */
    static void awaitConnected(IpcClient client) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        client.on("connect", connected::countDown);
        client.on("destroy", connected::countDown);
        if (client.state() == ConnectionState.CONNECTED) {
            connected.countDown();
        }
        if (!connected.await(30, TimeUnit.SECONDS) || client.state() != ConnectionState.CONNECTED) {
            throw new IllegalStateException("could not connect " + client + " within 30 s");
        }
    }
}
