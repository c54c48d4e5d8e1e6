package io.jipc.cli;

/** The help texts printed by {@code jipc --help} and {@code jipc COMMAND --help}. */
final class Usage {
    private Usage() {
    }

    private static final String ADDRESS = ""
            + "Address (exactly one):\n"
            + "  --id ID [--socket-root DIR] [--appspace S]\n"
            + "                        Unix socket at DIR + S + ID, node-ipc's rule (defaults /tmp/ and app.,\n"
            + "                        so --id world is /tmp/app.world); a missing trailing / on DIR is added\n"
            + "  --path PATH           Unix socket at PATH\n"
            + "  --tcp HOST:PORT       TCP; IPv6 hosts in brackets: [::1]:8000\n"
            + "  --udp4 HOST:PORT, --udp6 HOST:PORT\n"
            + "                        UDP (node-ipc's serveNet udp4/udp6): serve binds HOST:PORT; emit and listen\n"
            + "                        bind --bind HOST:PORT (default: loopback, any port) and talk to HOST:PORT\n"
            + "TLS (with --tcp; node-ipc's tls options):\n"
            + "  --private KEY.pem     private key (PKCS#8, PKCS#1 RSA or SEC1 EC)\n"
            + "  --public CERT.pem     certificate presented to the peer (a server needs both)\n"
            + "  --trusted CA.pem      trust only these CA/peer certificates (trustedConnections)\n"
            + "  --request-cert        serve: require client certificates (requestCert)\n"
            + "  --no-reject-unauthorized  accept untrusted peers (insecure)\n";

    private static final String COMMON = ""
            + "Common options:\n"
            + ConfigFlag.help(Command.EMIT, false)
            + "  --help, -h            this help\n";

    static final String GENERAL = ""
            + "jipc: node-ipc for the JVM, from the command line.\n"
            + "\n"
            + "Usage: jipc COMMAND [OPTIONS]\n"
            + "\n"
            + "Commands:\n"
            + "  demo      run node-ipc's hello/world exchange in this process\n"
            + "  serve     serve at an address and print every event (optionally echo or relay them)\n"
            + "  emit      connect, emit one event, optionally wait for replies, disconnect\n"
            + "  listen    connect and print every event received\n"
            + "  info      print the version and the transport this JVM uses (and why)\n"
            + "  bench     run the end-to-end benchmarks (ping-pong, stream, broadcast, scale; 'jipc bench --help')\n"
            + "\n"
            + "Output: one JSON object per line on stdout, e.g. {\"event\":\"message\",\"data\":\"hi\",\"socket\":\"1\"};\n"
            + "errors: one line on stderr. Exit status: 0 done, 1 failed (connection, timeout),\n"
            + "2 bad command line.\n"
            + "\n"
            + "Run 'jipc COMMAND --help' for a command's options, 'jipc --version' for the version.\n";

    static final String DEMO = ""
            + "Usage: jipc demo [--silent]\n"
            + "\n"
            + "Runs node-ipc's README example with two instances in this process, on a Unix socket in a new\n"
            + "temporary directory: 'world' serves and answers 'message' with data + \" world!\"; 'hello'\n"
            + "connects, emits 'message' \"hello\", prints the answer and disconnects. Prints one line per step:\n"
            + "start, connect, message (hello to world), message (world to hello), disconnect,\n"
            + "socket.disconnected, stop. Exits 0, or 1 if the exchange fails or takes over 5 s.\n";

    static final String SERVE = ""
            + "Usage: jipc serve ADDRESS [--echo | --relay] [--events A,B,...] [OPTIONS]\n"
            + "\n"
            + "Serves until interrupted (SIGINT/SIGTERM; the socket file is removed) and prints:\n"
            + "  {\"event\":\"start\",\"address\":A,...}   once listening; A is the path or HOST:PORT (the real port\n"
            + "                                     when PORT was 0), plus path, or host and port\n"
            + "  {\"event\":\"connect\",\"socket\":ID}\n"
            + "  {\"event\":TYPE,\"data\":DATA,\"socket\":ID}   each event received (data left out if the frame had none)\n"
            + "  {\"event\":\"data\",\"base64\":B,\"socket\":ID}   each chunk, with --raw\n"
            + "  {\"event\":\"socket.disconnected\",\"socket\":ID,\"data\":PEER_ID_OR_FALSE}\n"
            + "  {\"event\":\"error\",\"message\":M,\"code\":C,\"socket\":ID_OR_NULL}\n"
            + "  {\"event\":\"stop\"}                    after closing\n"
            + "Stdin is not read; its end does not stop the server.\n"
            + "\n"
            + "  --echo                send each received event back to its sender (same type and data);\n"
            + "                        answer a request with its own data\n"
            + "  --relay               send each received event to every connected socket, sender included\n"
            + "                        (not with --echo); a failed send is an error line naming that socket\n"
            + "  --events A,B          only these event types (default: all)\n"
            + ConfigFlag.help(Command.SERVE, true)
            + "\n"
            + ADDRESS + "\n" + COMMON;

    static final String EMIT = ""
            + "Usage: jipc emit ADDRESS TYPE [DATA] [--wait TYPE] [--count N] [--timeout MS] [OPTIONS]\n"
            + "\n"
            + "Connects (no retry), emits TYPE once with DATA, a JSON value such as '\"hi\"', 42 or '{\"a\":1}'\n"
            + "(absent: no data, sent as {} as node-ipc does), waits until it is written, then disconnects\n"
            + "after flushing. With --raw, TYPE is written as raw text and DATA is not allowed.\n"
            + "\n"
            + "  --wait TYPE           after emitting, print {\"event\":TYPE,\"data\":DATA} for each TYPE event\n"
            + "                        received, until --count of them arrived (with --raw: --wait data)\n"
            + "  --count N             events to wait for (default 1)\n"
            + "  --timeout MS          limit for connecting, emitting and waiting (default 10000)\n"
            + "\n"
            + "Exits 0, or 1 on timeout, connection failure or when the server closes the connection first.\n"
            + "\n"
            + ADDRESS + "\n" + COMMON;

    static final String LISTEN = ""
            + "Usage: jipc listen ADDRESS [--count N] [--timeout MS] [--events A,B,...] [OPTIONS]\n"
            + "\n"
            + "Connects (no retry) and prints {\"event\":\"connect\"}, then {\"event\":TYPE,\"data\":DATA} for each\n"
            + "event received ({\"event\":\"data\",\"base64\":B} with --raw), {\"event\":\"error\",\"message\":M,\"code\":C}\n"
            + "and {\"event\":\"disconnect\"}.\n"
            + "\n"
            + "  --count N             exit 0 after N events; exit 1 if the timeout or the server's end comes first\n"
            + "  --timeout MS          with --count: the limit; without: listen this long, then exit 0\n"
            + "  --events A,B          only these event types (default: all)\n"
            + "\n"
            + "Without --count: runs until interrupted, the timeout, or the server closing the connection\n"
            + "(exit 0). A connection failure exits 1.\n"
            + "\n"
            + ADDRESS + "\n" + COMMON;

    static final String INFO = ""
            + "Usage: jipc info [--transport auto|nio|native]\n"
            + "\n"
            + "Prints one line: {\"event\":\"info\",\"version\":V,\"java\":J,\"platform\":P,\"transport\":T,\n"
            + "\"reason\":WHY,\"nativeAvailable\":B} and, when the native transport cannot be used,\n"
            + "\"nativeUnavailable\":CAUSE. -Djipc.transport=... overrides --transport. Exits 1 when native is forced\n"
            + "but unavailable.\n";

    /** @return the help of a command */
    static String of(Command command) {
        switch (command) {
            case DEMO:
                return DEMO;
            case SERVE:
                return SERVE;
            case EMIT:
                return EMIT;
            case LISTEN:
                return LISTEN;
            case INFO:
                return INFO;
            default:
                throw new IllegalArgumentException(command.toString());
        }
    }
}
