package io.jipc.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The examples' launcher, the {@code Main-Class} of {@code jipc-examples.jar}:
 * {@code java -jar jipc-examples.jar NAME [ARGS...]} runs one example and exits with its status; with no name it
 * lists them. Each example is also a class with its own {@code main}.
 */
public final class Examples {
    /** Runs one example: (arguments, out, err) to exit status. */
    @FunctionalInterface
    private interface Example {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    private static final Map<String, Example> EXAMPLES = new LinkedHashMap<>();
    private static final Map<String, String> SUMMARIES = new LinkedHashMap<>();

    static {
        add("hello-unix", HelloWorldUnix::run, "hello/world over a Unix domain socket");
        add("hello-tcp", HelloWorldTcp::run, "hello/world over TCP");
        add("tls-mutual-auth", TlsMutualAuth::run, "hello/world over TLS, both sides show certificates");
        add("udp", Udp::run, "hello/world over UDP (udp4): two servers, one datagram each way");
        add("broadcast", Broadcast::run, "one server broadcasts to three clients");
        add("raw-buffer", RawBuffer::run, "rawBuffer mode: bytes in, bytes out, no framing");
        add("node-ipc-peer", NodeIpcPeer::run, "a jipc server answers a real node-ipc client (needs node)");
        add("kotlin-hello", KotlinHelloWorld::run, "hello/world with the Kotlin coroutine bindings");
    }

    private Examples() {
    }

    private static void add(String name, Example example, String summary) {
        EXAMPLES.put(name, example);
        SUMMARIES.put(name, summary);
    }

    /**
     * Runs the example named by the first argument and exits with its status (2 for an unknown name).
     *
     * @param args {@code NAME [ARGS...]}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the example named by the first argument.
     *
     * @param args {@code NAME [ARGS...]}
     * @param out where the example prints
     * @param err where failures and usage go
     * @return the example's exit status; 2 when no known example is named
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Example example = args.length == 0 ? null : EXAMPLES.get(args[0]);
        if (example == null) {
            if (args.length > 0) {
                err.println("no example named '" + args[0] + "'");
            }
            err.println("usage: java -jar jipc-examples.jar NAME [world|hello] [--option value ...]");
            SUMMARIES.forEach((name, summary) -> err.printf("  %-16s %s%n", name, summary));
            return 2;
        }
        return example.run(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
}
