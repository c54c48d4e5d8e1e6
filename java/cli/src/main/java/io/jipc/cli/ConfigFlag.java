package io.jipc.cli;

import io.jipc.Backpressure;
import io.jipc.IpcConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The command-line flags that set one {@link IpcConfig} option each, declared once: the flag, the option it sets, the
 * commands that take it, its help line and how its value is applied. {@link Command} accepts them, {@link Setup}
 * applies them and {@link Usage} prints them from this list; the defaults in the help come from
 * {@link IpcConfig#defaults()}. Options set by the address ({@code --id}, {@code --tcp}, ...) and TLS flags, and the
 * options the CLI leaves alone, are listed in {@link #ADDRESS_AND_TLS} and {@link #NOT_ON_THE_COMMAND_LINE}.
 */
enum ConfigFlag {
    DELIMITER("delimiter", "--delimiter", "STR", Scope.CONNECTING,
            "frame delimiter (default \\f); escapes \\f \\n \\r \\t \\0 \\\\ \\xHH \\uHHHH", "\\n",
            (c, v) -> c.delimiter(Escapes.unescape("--delimiter", v))),
    RAW("rawBuffer", "--raw", null, Scope.CONNECTING, "node-ipc rawBuffer mode: no framing, bytes as they come",
            null, (c, v) -> c.rawBuffer(true)),
    ENCODING("encoding", "--encoding", "NAME", Scope.CONNECTING,
            "node encoding of text written with --raw: utf8 (default), ascii, latin1, ...", "latin1",
            (c, v) -> c.encoding(v)),
    MAX_FRAME_BYTES("maxFrameBytes", "--max-frame-bytes", "N", Scope.CONNECTING,
            "largest frame accepted from a peer (default " + IpcConfig.MAX_FRAME_BYTES_DEFAULT + ")", "4096",
            (c, v) -> c.maxFrameBytes((int) Options.number("--max-frame-bytes", v, 1, Integer.MAX_VALUE))),
    WIRE("wire", "--wire", "json|proto|auto", Scope.CONNECTING,
            "codec (proto/README.md): serve defaults to auto (node-ipc JSON and protobuf\n"
                    + "clients on one socket), emit and listen to json", "proto",
            (c, v) -> c.wire(choice("--wire", v, io.jipc.Wire.class))),
    SILENT("silent", "--silent", null, Scope.ALL, "no jipc log messages", null, (c, v) -> c.silent(true)),
    TRANSPORT("transport", "--transport", "T", Scope.ALL_BUT_DEMO,
            "auto (default: native when libjipc is available, else nio), nio or native", "nio",
            (c, v) -> c.transport(Setup.transport(v))),
    BUSY_POLL("busyPoll", "--busy-poll", "US", Scope.CONNECTING,
            "the I/O thread polls without blocking for US microseconds (0-10000) before\n"
                    + "it waits: lower latency, a busy core while traffic flows (default 0: off)", "250",
            (c, v) -> c.busyPoll(Duration.ofNanos(1000 * Options.number("--busy-poll", v, 0,
                    IpcConfig.BUSY_POLL_MAX.toNanos() / 1000)))),
    SKIP_MALFORMED("skipMalformedFrames", "--skip-malformed-frames", null, Scope.CONNECTING,
            "skip a malformed frame and go on (node-ipc 9) instead of closing the\nconnection", null,
            (c, v) -> c.skipMalformedFrames(true)),
    ALLOW_RESERVED("allowReservedEvents", "--allow-reserved-events", null, Scope.CONNECTING,
            "let peers send built-in event names such as connect (node-ipc 9)", null,
            (c, v) -> c.allowReservedEvents(true)),
    FLUSH_TIMEOUT("flushTimeout", "--flush-timeout", "MS", Scope.CONNECTING,
            "how long closing waits for emitted data to reach the kernel (default "
                    + IpcConfig.FLUSH_TIMEOUT_DEFAULT.toMillis() + ")", "1500",
            (c, v) -> c.flushTimeout(millis("--flush-timeout", v, 1))),
    HIGH_WATER_MARK("highWaterMarkBytes", "--high-water-mark", "BYTES", Scope.CONNECTING,
            "most bytes queued per connection before --backpressure applies\n(default "
                    + IpcConfig.HIGH_WATER_MARK_BYTES_DEFAULT + ")", "65536",
            (c, v) -> c.highWaterMarkBytes(Options.number("--high-water-mark", v, 1, Long.MAX_VALUE))),
    BACKPRESSURE("backpressure", "--backpressure", "P", Scope.CONNECTING,
            "at the mark: fail (default), block or drop_oldest", "drop_oldest",
            (c, v) -> c.backpressure(choice("--backpressure", v, Backpressure.class))),
    PARTIAL_FRAME_TIMEOUT("partialFrameTimeout", "--partial-frame-timeout", "MS", Scope.CONNECTING,
            "close a peer holding an incomplete frame this long\n(default "
                    + IpcConfig.PARTIAL_FRAME_TIMEOUT_DEFAULT.toMillis() + "; 0: off)", "2500",
            (c, v) -> c.partialFrameTimeout(millis("--partial-frame-timeout", v, 0))),
    HANDSHAKE_TIMEOUT("handshakeTimeout", "--handshake-timeout", "MS", Scope.CONNECTING,
            "TLS: how long a handshake may take (default "
                    + IpcConfig.HANDSHAKE_TIMEOUT_DEFAULT.toMillis() + ")", "3000",
            (c, v) -> c.handshakeTimeout(millis("--handshake-timeout", v, 1))),
    IDLE_TIMEOUT("idleTimeout", "--idle-timeout", "MS", Scope.CONNECTING,
            "close a connection that received nothing this long (default 0: off)", "60000",
            (c, v) -> c.idleTimeout(millis("--idle-timeout", v, 0))),
    MAX_CONNECTIONS("maxConnections", "--max-connections", "N", Scope.SERVE,
            "connections (UDP: peers remembered) served at once; more are closed at\n"
                    + "once (default 100, node-ipc's maxConnections)", "7",
            (c, v) -> c.maxConnections((int) Options.number("--max-connections", v, 1, Integer.MAX_VALUE))),
    READABLE_ALL("readableAll", "--readable-all", null, Scope.SERVE,
            "Unix socket file readable by all users (default: owner only, 0600)", null,
            (c, v) -> c.readableAll(true)),
    WRITABLE_ALL("writableAll", "--writable-all", null, Scope.SERVE,
            "Unix socket file writable, so connectable, by all users", null, (c, v) -> c.writableAll(true)),
    KEEP_STALE("unlink", "--no-unlink", null, Scope.SERVE,
            "do not remove a stale socket file at the path (start then fails)", null,
            (c, v) -> c.unlink(false)),
    ALLOWED_UIDS("allowedUids", "--allowed-uids", "U,V", Scope.SERVE,
            "Unix socket: serve only processes running as these user ids", "0,1000",
            (c, v) -> c.allowedUids(uids(v))),
    WIRE_DETECT_TIMEOUT("wireDetectTimeout", "--wire-detect-timeout", "MS", Scope.SERVE,
            "wire auto: wait this long for a client's first byte before taking it as\nJSON (default "
                    + IpcConfig.WIRE_DETECT_TIMEOUT_DEFAULT.toMillis() + ")", "50",
            (c, v) -> c.wireDetectTimeout(millis("--wire-detect-timeout", v, 1)));

    /** Options set through the address and TLS flags (see {@link Address} and {@link Setup}), with those flags. */
    static final Map<String, String> ADDRESS_AND_TLS = Map.of(
            "id", "--id",
            "socketRoot", "--socket-root",
            "appspace", "--appspace",
            "networkHost", "--tcp",
            "networkPort", "--tcp",
            "tls", "--private");

    /** Options the CLI does not offer, each with the reason. */
    static final Map<String, String> NOT_ON_THE_COMMAND_LINE = Map.of(
            "retry", "a CLI client never reconnects: a failed connection is reported and exits 1",
            "maxRetries", "a CLI client never reconnects",
            "stopRetrying", "a CLI client never reconnects",
            "offlineQueue", "emit sends only once connected; there is nothing to keep while offline",
            "sync", "emit sends one event; there is no second one to hold back",
            "requestTimeout", "the CLI sends no requests (serve --echo answers them)",
            "executor", "not a value: handlers of the CLI print and never block",
            "interfaces", "client TCP connections use the kernel's choice of local address");

    /** Which commands take a flag. */
    enum Scope {
        /** every command but info */
        ALL(Command.DEMO, Command.SERVE, Command.EMIT, Command.LISTEN),
        /** serve, emit, listen and info */
        ALL_BUT_DEMO(Command.SERVE, Command.EMIT, Command.LISTEN, Command.INFO),
        /** serve, emit and listen */
        CONNECTING(Command.SERVE, Command.EMIT, Command.LISTEN),
        /** serve only */
        SERVE(Command.SERVE);

        private final Set<Command> commands;

        Scope(Command first, Command... rest) {
            this.commands = EnumSet.of(first, rest);
        }
    }

    private final String option;
    private final String flag;
    private final String metavar;
    private final Scope scope;
    private final String help;
    private final String example;
    private final BiConsumer<IpcConfig, String> apply;

    ConfigFlag(String option, String flag, String metavar, Scope scope, String help, String example,
            BiConsumer<IpcConfig, String> apply) {
        this.option = option;
        this.flag = flag;
        this.metavar = metavar;
        this.scope = scope;
        this.help = help;
        this.example = example;
        this.apply = apply;
    }

    /** @return the {@link IpcConfig} option this flag sets (its setter's name) */
    String option() {
        return option;
    }

    /** @return the flag, e.g. {@code --idle-timeout} */
    String flag() {
        return flag;
    }

    /** @return true for a flag without a value */
    boolean isSwitch() {
        return metavar == null;
    }

    /** @return a value that differs from the default (null for a switch); the tests apply it */
    String example() {
        return example;
    }

    /** @return whether {@code command} takes this flag */
    boolean appliesTo(Command command) {
        return scope.commands.contains(command);
    }

    /**
     * @param command a command
     * @return the switches (valued false) or the valued flags (true) that command takes
     */
    static Set<String> flags(Command command, boolean valued) {
        Set<String> names = new LinkedHashSet<>();
        for (ConfigFlag f : values()) {
            if (f.appliesTo(command) && f.isSwitch() != valued) {
                names.add(f.flag);
            }
        }
        return names;
    }

    /**
     * Applies every flag of {@code o}'s command that {@code o} holds to {@code config}.
     *
     * @param o the parsed options
     * @param config the config to change
     * @return config
     * @throws UsageException naming a flag whose value is wrong
     */
    static IpcConfig applyAll(Options o, IpcConfig config) {
        for (ConfigFlag f : values()) {
            if (f.appliesTo(o.command()) && o.has(f.flag)) {
                f.apply.accept(config, o.value(f.flag));
            }
        }
        return config;
    }

    /**
     * @param command a command
     * @param serveOnly true: the flags only serve takes; false: the others that {@code command} takes
     * @return the help lines of those flags, aligned as the rest of the help
     */
    static String help(Command command, boolean serveOnly) {
        StringBuilder b = new StringBuilder();
        for (ConfigFlag f : values()) {
            if ((f.scope == Scope.SERVE) != serveOnly || !f.appliesTo(command)) {
                continue;
            }
            String head = "  " + f.flag + (f.isSwitch() ? "" : " " + f.metavar);
            String[] lines = f.help.split("\n");
            String first = head.length() <= 22 ? String.format(Locale.ROOT, "%-24s", head) : head + "  ";
            b.append(first).append(lines[0]).append('\n');
            Arrays.stream(lines).skip(1).forEach(l -> b.append(" ".repeat(24)).append(l).append('\n'));
        }
        return b.toString();
    }

    private static Duration millis(String flag, String v, long min) {
        return Duration.ofMillis(Options.number(flag, v, min, Long.MAX_VALUE / 1_000_000));
    }

    private static <E extends Enum<E>> E choice(String flag, String v, Class<E> type) {
        Function<E, String> name = e -> e.name().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (name.apply(e).equals(v.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        StringBuilder all = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            all.append(all.length() == 0 ? "" : ", ").append(name.apply(e));
        }
        throw new UsageException(flag + " must be one of " + all + ", not '" + v + "'");
    }

    private static int[] uids(String v) {
        String[] parts = v.split(",");
        int[] uids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            uids[i] = (int) Options.number("--allowed-uids", parts[i], 0, Integer.MAX_VALUE);
        }
        return uids;
    }
}
