package io.jipc;

import io.jipc.internal.NodeEncoding;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Configuration of an {@link Ipc} instance: node-ipc's {@code ipc.config}, with the same option names and defaults,
 * plus a few jipc additions.
 *
 * <p>Fluent setters return {@code this}. {@link Ipc#create(IpcConfig)} takes a private copy, so changing a config
 * after that has no effect on the instance. Values are checked when a server or client is made
 * ({@link Ipc#serve()}, {@link Ipc#connectTo(String)}, ...): an invalid one fails there with an
 * {@link IllegalArgumentException} naming the option.
 *
 * <p>node-ipc option → default: appspace {@code "app."}, socketRoot {@code "/tmp/"}, id (host name), networkHost
 * {@code "localhost"}, networkPort 8000, encoding {@code "utf8"}, rawBuffer false, delimiter {@code "\f"}, sync
 * false, silent false, maxConnections 100, retry 500 ms, maxRetries unlimited, stopRetrying false, unlink true,
 * readableAll false, writableAll false (so a Unix socket file is owner-only, mode {@code 0600}), interfaces none.
 * jipc additions: maxFrameBytes 16 MiB, flushTimeout 5 s,
 * skipMalformedFrames false, allowReservedEvents false, executor none (handlers run on the I/O thread); tls none;
 * highWaterMarkBytes 8 MiB, backpressure {@link Backpressure#FAIL}, partialFrameTimeout 30 s, offlineQueue 0 (off),
 * wire {@link Wire#AUTO} (servers detect JSON or protobuf per connection; clients speak JSON), wireDetectTimeout
 * 200 ms, requestTimeout 30 s, busyPoll 0 (off), handshakeTimeout 10 s, idleTimeout 0 (off).
 *
 * <p>Not thread-safe; configure it on one thread, then hand it to {@link Ipc#create(IpcConfig)}.
 */
public final class IpcConfig {
    /** Value of {@link #maxRetries(int)} that means "retry forever" (node-ipc's {@code Infinity}, the default). */
    public static final int MAX_RETRIES_UNLIMITED = Integer.MAX_VALUE;
    /** Default {@link #maxFrameBytes(int)}: 16 MiB. */
    public static final int MAX_FRAME_BYTES_DEFAULT = 16 * 1024 * 1024;
    /** Default {@link #retry(Duration)}: 500 ms, as in node-ipc. */
    public static final Duration RETRY_DEFAULT = Duration.ofMillis(500);
    /** Default {@link #flushTimeout(Duration)}: 5 s. */
    public static final Duration FLUSH_TIMEOUT_DEFAULT = Duration.ofSeconds(5);
    /**
     * Default {@link #highWaterMarkBytes(long)}: 8 MiB. Larger than the kernel's socket buffers (a few hundred KiB
     * for Unix sockets, up to a few MiB for autotuned TCP), so bursts to a peer that keeps up never reach it, while a
     * stuck peer holds at most this (or one larger frame) per connection.
     */
    public static final long HIGH_WATER_MARK_BYTES_DEFAULT = 8L * 1024 * 1024;
    /** Default {@link #partialFrameTimeout(Duration)}: 30 s. */
    public static final Duration PARTIAL_FRAME_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    /** Default {@link #wireDetectTimeout(Duration)}: 200 ms. */
    public static final Duration WIRE_DETECT_TIMEOUT_DEFAULT = Duration.ofMillis(200);
    /** Default {@link #requestTimeout(Duration)}: 30 s. */
    public static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    /** Largest {@link #busyPoll(Duration)}: 10 ms. */
    public static final Duration BUSY_POLL_MAX = Duration.ofMillis(10);
    /** Default {@link #handshakeTimeout(Duration)}: 10 s. */
    public static final Duration HANDSHAKE_TIMEOUT_DEFAULT = Duration.ofSeconds(10);

    /**
     * node-ipc's {@code interface} option: the local end of a client connection ({@code net.connect} options).
     *
     * @param localAddress local address to bind before connecting, or null for any
     * @param localPort local port to bind (TCP), or 0 for any
     */
    public record Interfaces(String localAddress, int localPort) {
    }

    /**
     * node-ipc's {@code tls} option: when set, {@link Ipc#serveNet} and {@link Ipc#connectToNet} speak TLS (1.2 or
     * 1.3) instead of plain TCP, with the same frames inside. Immutable: each setter returns a new value.
     *
     * <pre>{@code
     * // server, mutual authentication (node-ipc's "most secure" example)
     * IpcConfig.Tls server = IpcConfig.Tls.create().privateKey("server.key").publicCert("server.pub")
     *         .trustedConnections("client.pub").requestCert(true);
     * // client
     * IpcConfig.Tls client = IpcConfig.Tls.create().privateKey("client.key").publicCert("client.pub")
     *         .trustedConnections("server.pub");
     * }</pre>
     *
     * <p>Files are PEM and are read when a server starts or a client connects; one that cannot be read fails there
     * with an {@link IpcException} ({@code ETLSCONFIG}) naming the option, the file and the reason. Keys may be
     * PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted. There are no bundled example certificates (node-ipc 9 fell back on
     * public, expired ones): a server needs {@code privateKey} and {@code publicCert}.
     */
    public static final class Tls {
        private final String privateKey;
        private final String publicCert;
        private final java.util.List<String> trustedConnections;
        private final boolean requestCert;
        private final boolean rejectUnauthorized;
        private final String dhparam;
        private final boolean checkServerIdentity;

        private Tls(String privateKey, String publicCert, java.util.List<String> trustedConnections,
                boolean requestCert, boolean rejectUnauthorized, String dhparam, boolean checkServerIdentity) {
            this.privateKey = privateKey;
            this.publicCert = publicCert;
            this.trustedConnections = trustedConnections;
            this.requestCert = requestCert;
            this.rejectUnauthorized = rejectUnauthorized;
            this.dhparam = dhparam;
            this.checkServerIdentity = checkServerIdentity;
        }

        /**
         * @return TLS options with node's defaults: no key or certificate, the JDK's trusted CAs, requestCert false,
         *     rejectUnauthorized true, checkServerIdentity true
         */
        public static Tls create() {
            return new Tls(null, null, java.util.List.of(), false, true, null, true);
        }

        /**
         * @param path PEM private key file: node-ipc's {@code tls.private}
         * @return a copy with this key
         */
        public Tls privateKey(String path) {
            return new Tls(path, publicCert, trustedConnections, requestCert, rejectUnauthorized, dhparam,
                    checkServerIdentity);
        }

        /** @return the private key file (node-ipc {@code private}), or null */
        public String privateKey() {
            return privateKey;
        }

        /**
         * @param path PEM certificate (chain) file presented to the peer: node-ipc's {@code tls.public}
         * @return a copy with this certificate
         */
        public Tls publicCert(String path) {
            return new Tls(privateKey, path, trustedConnections, requestCert, rejectUnauthorized, dhparam,
                    checkServerIdentity);
        }

        /** @return the certificate file (node-ipc {@code public}), or null */
        public String publicCert() {
            return publicCert;
        }

        /**
         * @param paths PEM files of the CA or peer certificates to trust, instead of the JDK's CAs: node-ipc's
         *     {@code tls.trustedConnections}
         * @return a copy trusting exactly these
         */
        public Tls trustedConnections(String... paths) {
            return new Tls(privateKey, publicCert, java.util.List.of(paths), requestCert, rejectUnauthorized, dhparam,
                    checkServerIdentity);
        }

        /** @return the trusted certificate files (empty: the JDK's trusted CAs) */
        public java.util.List<String> trustedConnections() {
            return trustedConnections;
        }

        /**
         * @param requestCert server: ask clients for a certificate (node's {@code requestCert}, default false); with
         *     rejectUnauthorized a client without a trusted one is refused
         * @return a copy
         */
        public Tls requestCert(boolean requestCert) {
            return new Tls(privateKey, publicCert, trustedConnections, requestCert, rejectUnauthorized, dhparam,
                    checkServerIdentity);
        }

        /** @return whether a server asks clients for certificates */
        public boolean requestCert() {
            return requestCert;
        }

        /**
         * @param rejectUnauthorized true (default, as node): refuse a peer whose certificate is not trusted or has
         *     expired (a client always checks the server; a server checks clients when requestCert is set); false
         *     accepts any certificate, which is insecure
         * @return a copy
         */
        public Tls rejectUnauthorized(boolean rejectUnauthorized) {
            return new Tls(privateKey, publicCert, trustedConnections, requestCert, rejectUnauthorized, dhparam,
                    checkServerIdentity);
        }

        /** @return whether untrusted peers are refused */
        public boolean rejectUnauthorized() {
            return rejectUnauthorized;
        }

        /**
         * @param path node-ipc's {@code tls.dhparam}: accepted and ignored, with one log line (the JDK negotiates
         *     its own finite-field or elliptic-curve groups)
         * @return a copy
         */
        public Tls dhparam(String path) {
            return new Tls(privateKey, publicCert, trustedConnections, requestCert, rejectUnauthorized, path,
                    checkServerIdentity);
        }

        /** @return the dhparam file, or null */
        public String dhparam() {
            return dhparam;
        }

        /**
         * @param check true (default, as node's {@code checkServerIdentity}): a client refuses a server whose
         *     certificate does not name the host it connected to (a DNS or IP subject alternative name); false turns
         *     that check off while still checking trust
         * @return a copy
         */
        public Tls checkServerIdentity(boolean check) {
            return new Tls(privateKey, publicCert, trustedConnections, requestCert, rejectUnauthorized, dhparam,
                    check);
        }

        /** @return whether clients check the server's host name */
        public boolean checkServerIdentity() {
            return checkServerIdentity;
        }

        @Override
        public String toString() {
            return "Tls{private=" + privateKey + ", public=" + publicCert + ", trustedConnections="
                    + trustedConnections + ", requestCert=" + requestCert + ", rejectUnauthorized="
                    + rejectUnauthorized + ", checkServerIdentity=" + checkServerIdentity + '}';
        }
    }

    private String appspace = "app.";
    private String socketRoot = "/tmp/";
    private String id = defaultId();
    private String networkHost = "localhost";
    private int networkPort = 8000;
    private String encoding = "utf8";
    private boolean rawBuffer;
    private String delimiter = "\f";
    private boolean sync;
    private boolean silent;
    private int maxConnections = 100;
    private Duration retry = RETRY_DEFAULT;
    private int maxRetries = MAX_RETRIES_UNLIMITED;
    private boolean stopRetrying;
    private boolean unlink = true;
    private boolean readableAll;
    private boolean writableAll;
    private Interfaces interfaces;
    private int maxFrameBytes = MAX_FRAME_BYTES_DEFAULT;
    private Duration flushTimeout = FLUSH_TIMEOUT_DEFAULT;
    private boolean skipMalformedFrames;
    private boolean allowReservedEvents;
    private Executor executor;
    private Tls tls;
    private long highWaterMarkBytes = HIGH_WATER_MARK_BYTES_DEFAULT;
    private Backpressure backpressure = Backpressure.FAIL;
    private Duration partialFrameTimeout = PARTIAL_FRAME_TIMEOUT_DEFAULT;
    private int offlineQueue;
    private Wire wire = Wire.AUTO;
    private Duration wireDetectTimeout = WIRE_DETECT_TIMEOUT_DEFAULT;
    private Duration requestTimeout = REQUEST_TIMEOUT_DEFAULT;
    private Transport transport = Transport.AUTO;
    private Duration busyPoll = Duration.ZERO;
    private Duration handshakeTimeout = HANDSHAKE_TIMEOUT_DEFAULT;
    private Duration idleTimeout = Duration.ZERO;
    private java.util.Set<Integer> allowedUids = java.util.Set.of();

    private IpcConfig() {
    }

    /** @return a new config holding node-ipc's defaults */
    public static IpcConfig defaults() {
        return new IpcConfig();
    }

    /** @return an independent copy of this config */
    public IpcConfig copy() {
        IpcConfig c = new IpcConfig();
        c.appspace = appspace;
        c.socketRoot = socketRoot;
        c.id = id;
        c.networkHost = networkHost;
        c.networkPort = networkPort;
        c.encoding = encoding;
        c.rawBuffer = rawBuffer;
        c.delimiter = delimiter;
        c.sync = sync;
        c.silent = silent;
        c.maxConnections = maxConnections;
        c.retry = retry;
        c.maxRetries = maxRetries;
        c.stopRetrying = stopRetrying;
        c.unlink = unlink;
        c.readableAll = readableAll;
        c.writableAll = writableAll;
        c.interfaces = interfaces;
        c.maxFrameBytes = maxFrameBytes;
        c.flushTimeout = flushTimeout;
        c.skipMalformedFrames = skipMalformedFrames;
        c.allowReservedEvents = allowReservedEvents;
        c.executor = executor;
        c.tls = tls;
        c.highWaterMarkBytes = highWaterMarkBytes;
        c.backpressure = backpressure;
        c.partialFrameTimeout = partialFrameTimeout;
        c.offlineQueue = offlineQueue;
        c.wire = wire;
        c.wireDetectTimeout = wireDetectTimeout;
        c.requestTimeout = requestTimeout;
        c.transport = transport;
        c.busyPoll = busyPoll;
        c.handshakeTimeout = handshakeTimeout;
        c.idleTimeout = idleTimeout;
        c.allowedUids = allowedUids;
        return c;
    }

    /**
     * Checks every option.
     *
     * @return this config
     * @throws IllegalArgumentException naming the first invalid option and its value
     */
    public IpcConfig validate() {
        require(appspace != null, "appspace", appspace, "must not be null");
        require(socketRoot != null, "socketRoot", socketRoot, "must not be null");
        require(id != null && !id.isEmpty(), "id", id, "must not be empty");
        require(networkHost != null && !networkHost.isEmpty(), "networkHost", networkHost, "must not be empty");
        require(networkPort >= 0 && networkPort <= 65535, "networkPort", networkPort, "must be 0..65535");
        require(encoding != null, "encoding", encoding, "must not be null");
        try {
            NodeEncoding.charset(encoding);
        } catch (IllegalArgumentException e) {
            require(false, "encoding", encoding, e.getMessage());
        }
        require(delimiter != null && !delimiter.isEmpty(), "delimiter", delimiter, "must not be empty");
        require(maxConnections >= 1, "maxConnections", maxConnections, "must be at least 1");
        require(retry != null && !retry.isNegative(), "retry", retry, "must be zero or positive");
        require(maxRetries >= 0, "maxRetries", maxRetries, "must be zero or positive (0 = never retry)");
        require(offlineQueue >= 0, "offlineQueue", offlineQueue, "must not be negative");
        require(maxFrameBytes >= 16, "maxFrameBytes", maxFrameBytes, "must be at least 16");
        require(flushTimeout != null && !flushTimeout.isNegative(), "flushTimeout", flushTimeout,
                "must be zero or positive");
        require(highWaterMarkBytes >= 1, "highWaterMarkBytes", highWaterMarkBytes, "must be at least 1");
        require(backpressure != null, "backpressure", backpressure, "must not be null");
        require(transport != null, "transport", transport, "must not be null");
        require(busyPoll != null && !busyPoll.isNegative() && busyPoll.compareTo(BUSY_POLL_MAX) <= 0, "busyPoll",
                busyPoll, "must be zero (off) up to " + BUSY_POLL_MAX.toMillis() + " ms");
        require(partialFrameTimeout != null && !partialFrameTimeout.isNegative(), "partialFrameTimeout",
                partialFrameTimeout, "must be zero (off) or positive");
        require(wire != null, "wire", wire, "must not be null");
        require(handshakeTimeout != null && !handshakeTimeout.isNegative() && !handshakeTimeout.isZero(),
                "handshakeTimeout", handshakeTimeout, "must be positive");
        require(idleTimeout != null && !idleTimeout.isNegative(), "idleTimeout", idleTimeout,
                "must be zero (off) or positive");
        require(wireDetectTimeout != null && !wireDetectTimeout.isNegative() && !wireDetectTimeout.isZero(),
                "wireDetectTimeout", wireDetectTimeout, "must be positive");
        require(requestTimeout != null && !requestTimeout.isNegative() && !requestTimeout.isZero(), "requestTimeout",
                requestTimeout, "must be positive");
        if (interfaces != null) {
            require(interfaces.localPort() >= 0 && interfaces.localPort() <= 65535, "interfaces.localPort",
                    interfaces.localPort(), "must be 0..65535");
        }
        return this;
    }

    private static void require(boolean ok, String option, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("invalid IpcConfig." + option + " = " + show(value) + ": " + rule);
        }
    }

    private static String show(Object value) {
        return value instanceof String ? '"' + ((String) value).replace("\f", "\\f") + '"' : String.valueOf(value);
    }

    private static String defaultId() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            String f = Files.readString(Path.of("/etc/hostname")).trim();
            if (!f.isEmpty()) {
                return f;
            }
        } catch (Exception ignored) {
            // not Linux, or unreadable: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /**
     * @param appspace prefix of the socket file name (node-ipc {@code appspace}, default {@code "app."})
     * @return this
     */
    public IpcConfig appspace(String appspace) {
        this.appspace = appspace;
        return this;
    }

    /** @return prefix of the socket file name */
    public String appspace() {
        return appspace;
    }

    /**
     * @param socketRoot directory prefix for Unix socket files, concatenated as a string as node-ipc does
     *     (default {@code "/tmp/"}; keep the trailing slash)
     * @return this
     */
    public IpcConfig socketRoot(String socketRoot) {
        this.socketRoot = socketRoot;
        return this;
    }

    /** @return directory prefix for Unix socket files */
    public String socketRoot() {
        return socketRoot;
    }

    /**
     * @param id this process's id, used for the default socket path of {@link Ipc#serve()} (default: host name)
     * @return this
     */
    public IpcConfig id(String id) {
        this.id = id;
        return this;
    }

    /** @return this process's id */
    public String id() {
        return id;
    }

    /**
     * @param networkHost default host for TCP (default {@code "localhost"})
     * @return this
     */
    public IpcConfig networkHost(String networkHost) {
        this.networkHost = networkHost;
        return this;
    }

    /** @return default host for TCP */
    public String networkHost() {
        return networkHost;
    }

    /**
     * @param networkPort default TCP port (default 8000; 0 lets the OS choose when serving)
     * @return this
     */
    public IpcConfig networkPort(int networkPort) {
        this.networkPort = networkPort;
        return this;
    }

    /** @return default TCP port */
    public int networkPort() {
        return networkPort;
    }

    /**
     * @param encoding node encoding name used for text written in rawBuffer mode (default {@code "utf8"}); JSON
     *     frames are always UTF-8, as in node-ipc 14
     * @return this
     */
    public IpcConfig encoding(String encoding) {
        this.encoding = encoding;
        return this;
    }

    /** @return node encoding name for rawBuffer text */
    public String encoding() {
        return encoding;
    }

    /**
     * @param rawBuffer true for node-ipc's rawBuffer mode: no framing, chunks arrive as {@code data} events
     * @return this
     */
    public IpcConfig rawBuffer(boolean rawBuffer) {
        this.rawBuffer = rawBuffer;
        return this;
    }

    /** @return whether rawBuffer mode is on */
    public boolean rawBuffer() {
        return rawBuffer;
    }

    /**
     * @param delimiter frame terminator, any non-empty string (default form feed {@code "\f"})
     * @return this
     */
    public IpcConfig delimiter(String delimiter) {
        this.delimiter = delimiter;
        return this;
    }

    /** @return frame terminator */
    public String delimiter() {
        return delimiter;
    }

    /**
     * @param sync node-ipc's sync mode (clients only): the next queued emit is written only after a message from the
     *     server arrived
     * @return this
     */
    public IpcConfig sync(boolean sync) {
        this.sync = sync;
        return this;
    }

    /** @return whether sync mode is on */
    public boolean sync() {
        return sync;
    }

    /**
     * @param silent true turns off jipc's logging (node-ipc {@code silent})
     * @return this
     */
    public IpcConfig silent(boolean silent) {
        this.silent = silent;
        return this;
    }

    /** @return whether logging is off */
    public boolean silent() {
        return silent;
    }

    /**
     * @param maxConnections connections a server accepts at once; more are closed at once (default 100)
     * @return this
     */
    public IpcConfig maxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
        return this;
    }

    /** @return connection limit of a server */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * @param retry delay before a client reconnects (default 500 ms)
     * @return this
     */
    public IpcConfig retry(Duration retry) {
        this.retry = retry;
        return this;
    }

    /** @return reconnect delay */
    public Duration retry() {
        return retry;
    }

    /**
     * @param maxRetries reconnect attempts before a client gives up ({@link #MAX_RETRIES_UNLIMITED} by default;
     *     0 means never reconnect, as node-ipc's {@code false}/0)
     * @return this
     */
    public IpcConfig maxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
        return this;
    }

    /** @return reconnect attempts before giving up */
    public int maxRetries() {
        return maxRetries;
    }

    /**
     * @param stopRetrying true: a client never reconnects (node-ipc {@code stopRetrying})
     * @return this
     */
    public IpcConfig stopRetrying(boolean stopRetrying) {
        this.stopRetrying = stopRetrying;
        return this;
    }

    /** @return whether reconnecting is off */
    public boolean stopRetrying() {
        return stopRetrying;
    }

    /**
     * @param unlink true (default): a stale socket file (a socket nobody answers on) is removed before listening;
     *     a regular file or a symlink is never removed, and a live server at the path makes {@link IpcServer#start()}
     *     fail
     * @return this
     */
    public IpcConfig unlink(boolean unlink) {
        this.unlink = unlink;
        return this;
    }

    /** @return whether stale socket files are removed */
    public boolean unlink() {
        return unlink;
    }

    /**
     * A Unix socket file is owner-only by default: mode {@code 0600}, whatever the process umask, so other users
     * cannot connect. The socket is bound in a private directory made beside the path, given its mode there and only
     * then linked to the path, so it is never reachable with another mode, and the mode of nothing else is ever
     * changed (no symlink is followed). {@code readableAll} adds read for group and others ({@code 0644});
     * {@link #writableAll(boolean)} adds write, which connecting needs ({@code 0622}); both give {@code 0666}. If the
     * mode cannot be set, {@link IpcServer#start()} fails rather than listen wider than configured. Not used for TCP,
     * TLS or UDP.
     *
     * @param readableAll make the socket file readable by all users
     * @return this
     */
    public IpcConfig readableAll(boolean readableAll) {
        this.readableAll = readableAll;
        return this;
    }

    /** @return whether the socket file is readable by all users */
    public boolean readableAll() {
        return readableAll;
    }

    /**
     * Widens the owner-only default mode ({@code 0600}, see {@link #readableAll(boolean)}) with write for group and
     * others, which lets every local user connect.
     *
     * @param writableAll make the socket file writable by all users (needed to connect)
     * @return this
     */
    public IpcConfig writableAll(boolean writableAll) {
        this.writableAll = writableAll;
        return this;
    }

    /** @return whether the socket file is writable by all users */
    public boolean writableAll() {
        return writableAll;
    }

    /**
     * @param interfaces local end of client TCP connections, or null (node-ipc {@code interface})
     * @return this
     */
    public IpcConfig interfaces(Interfaces interfaces) {
        this.interfaces = interfaces;
        return this;
    }

    /** @return local end of client TCP connections, or null */
    public Interfaces interfaces() {
        return interfaces;
    }

    /**
     * @param maxFrameBytes largest frame accepted from a peer, delimiter excluded (default 16 MiB); a larger one is an
     *     error on that connection, detected without buffering it whole
     * @return this
     */
    public IpcConfig maxFrameBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        return this;
    }

    /** @return largest frame accepted */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * @param flushTimeout how long disconnect, stop and close wait for emitted messages to reach the kernel before
     *     closing anyway (default 5 s); node-ipc does not flush at all
     * @return this
     */
    public IpcConfig flushTimeout(Duration flushTimeout) {
        this.flushTimeout = flushTimeout;
        return this;
    }

    /** @return the flush timeout */
    public Duration flushTimeout() {
        return flushTimeout;
    }

    /**
     * @param skipMalformedFrames false (default): a malformed or oversize frame is an {@code error} event and closes
     *     that connection (node-ipc 14); true: the frame is skipped after the {@code error} event and the connection
     *     stays open (node-ipc 9)
     * @return this
     */
    public IpcConfig skipMalformedFrames(boolean skipMalformedFrames) {
        this.skipMalformedFrames = skipMalformedFrames;
        return this;
    }

    /** @return whether malformed frames are skipped rather than closing the connection */
    public boolean skipMalformedFrames() {
        return skipMalformedFrames;
    }

    /**
     * @param allowReservedEvents false (default): a frame from a peer whose type is a built-in event name
     *     ({@code connect}, {@code error}, ...) is a protocol error; true lets it through as node-ipc 9 does
     * @return this
     */
    public IpcConfig allowReservedEvents(boolean allowReservedEvents) {
        this.allowReservedEvents = allowReservedEvents;
        return this;
    }

    /** @return whether peers may send built-in event names */
    public boolean allowReservedEvents() {
        return allowReservedEvents;
    }

    /**
     * @param executor where handlers run; null (default) runs them on the I/O thread, where they must not block.
     *     With an executor, handlers of one connection run in order only if the executor is single-threaded.
     * @return this
     */
    public IpcConfig executor(Executor executor) {
        this.executor = executor;
        return this;
    }

    /** @return the handler executor, or null for the I/O thread */
    public Executor executor() {
        return executor;
    }

    /**
     * @param tls TLS options, or null (default) for plain TCP: node-ipc's {@code tls}; applies to
     *     {@link Ipc#serveNet} and {@link Ipc#connectToNet}, not to Unix sockets or UDP
     * @return this
     */
    public IpcConfig tls(Tls tls) {
        this.tls = tls;
        return this;
    }

    /** @return the TLS options, or null for plain TCP */
    public Tls tls() {
        return tls;
    }

    /**
     * @param highWaterMarkBytes most bytes emitted on one connection that may wait to reach the kernel (default
     *     8 MiB); at the mark, {@link #backpressure(Backpressure)} decides. A frame is always accepted when nothing
     *     is queued. {@link Long#MAX_VALUE} turns the bound off (node-ipc's unbounded buffering). Unix, TCP and TLS
     *     connections; not UDP
     * @return this
     */
    public IpcConfig highWaterMarkBytes(long highWaterMarkBytes) {
        this.highWaterMarkBytes = highWaterMarkBytes;
        return this;
    }

    /** @return the per-connection outbound high-water mark in bytes */
    public long highWaterMarkBytes() {
        return highWaterMarkBytes;
    }

    /**
     * @param backpressure what an emit does when its connection is at the high-water mark (default
     *     {@link Backpressure#FAIL}: the emit fails with {@code EBACKPRESSURE})
     * @return this
     */
    public IpcConfig backpressure(Backpressure backpressure) {
        this.backpressure = backpressure;
        return this;
    }

    /** @return the policy at the high-water mark */
    public Backpressure backpressure() {
        return backpressure;
    }

    /**
     * @param partialFrameTimeout how long a connection may hold an incomplete frame (bytes received without the
     *     delimiter that ends them) before it is an {@code error} ({@code ETIMEDOUT}) and closed; guards against
     *     slow-loris peers (default 30 s; {@link Duration#ZERO} turns it off). Not applied in rawBuffer mode or UDP
     * @return this
     */
    public IpcConfig partialFrameTimeout(Duration partialFrameTimeout) {
        this.partialFrameTimeout = partialFrameTimeout;
        return this;
    }

    /** @return the partial-frame timeout (zero: off) */
    public Duration partialFrameTimeout() {
        return partialFrameTimeout;
    }

    /**
     * @param maxMessages clients only: how many messages emitted while the client is reconnecting (after a lost
     *     connection, waiting for the next attempt or making it) are kept, in order, and written once the connection
     *     is back, before anything emitted later; each emit's CompletionStage completes when its message was
     *     written after the reconnect. An emit beyond the bound fails at once with {@code EOVERFLOW}; messages still
     *     kept when the client is destroyed (retries exhausted, stopRetrying, disconnect) fail with {@code ECLOSED}.
     *     Default 0: off, emits while disconnected fail with {@code ENOTCONNECTED} as in node-ipc. Not applied before
     *     the first connection, nor to UDP
     * @return this
     */
    public IpcConfig offlineQueue(int maxMessages) {
        this.offlineQueue = maxMessages;
        return this;
    }

    /** @return the bound of a client's offline queue in messages (0: off) */
    public int offlineQueue() {
        return offlineQueue;
    }

    /**
     * @param wire the codec ({@code proto/README.md}): servers default to {@link Wire#AUTO} (JSON and protobuf
     *     clients on one socket, chosen per connection); a client speaks {@link Wire#PROTO} only when set so,
     *     otherwise node-ipc's JSON. UDP servers accept both in AUTO and answer each peer in its own codec; PROTO
     *     also makes the codec for addresses not heard from. Ignored in rawBuffer mode
     * @return this
     */
    public IpcConfig wire(Wire wire) {
        this.wire = wire;
        return this;
    }

    /** @return the wire codec setting (default {@link Wire#AUTO}) */
    public Wire wire() {
        return wire;
    }

    /**
     * @param wireDetectTimeout AUTO servers: how long emits to a new connection wait for the client's first byte to
     *     decide the codec (a protobuf client sends its preamble at once); after that the connection is JSON, as for a
     *     node-ipc client that waits for the server to speak first (default 200 ms)
     * @return this
     */
    public IpcConfig wireDetectTimeout(Duration wireDetectTimeout) {
        this.wireDetectTimeout = wireDetectTimeout;
        return this;
    }

    /** @return the AUTO codec detection timeout */
    public Duration wireDetectTimeout() {
        return wireDetectTimeout;
    }

    /**
     * @param requestTimeout how long {@code request(type, data)} waits for the reply before failing with
     *     {@code ETIMEDOUT} (default 30 s)
     * @return this
     */
    public IpcConfig requestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        return this;
    }

    /** @return the default request timeout */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * @param transport the socket implementation (default {@link Transport#AUTO}: native when available, else NIO);
     *     the system property {@code jipc.transport} overrides it
     * @return this
     */
    public IpcConfig transport(Transport transport) {
        this.transport = transport;
        return this;
    }

    /** @return the configured transport choice */
    public Transport transport() {
        return transport;
    }

    /**
     * Busy polling: before the I/O thread blocks waiting for sockets, it keeps polling them without blocking for up
     * to this long after the last thing it handled. A reply that arrives within that window is picked up without the
     * sleep and wake-up of a blocked thread, which on many machines (virtual machines above all) costs more than the
     * rest of a small round trip: on a 2-core virtual machine, request/response over a Unix socket took about 8 us
     * with 100 us of busy polling on both sides, and 16 to 100 us without, depending on whether the idle CPU had
     * halted. The price is CPU: while traffic keeps coming, the I/O thread never sleeps and holds one core. Once
     * nothing has happened for this long it blocks as usual, so an idle connection costs nothing. Default zero:
     * never spin. At most {@link #BUSY_POLL_MAX}. Applies to both transports and every socket kind of this
     * {@link Ipc}.
     *
     * @param busyPoll how long to keep polling before blocking; zero (the default) turns it off
     * @return this
     */
    public IpcConfig busyPoll(Duration busyPoll) {
        this.busyPoll = busyPoll;
        return this;
    }

    /** @return how long the I/O thread polls without blocking before it waits (zero: off) */
    public Duration busyPoll() {
        return busyPoll;
    }

    /**
     * @param uids servers on Unix sockets only: accept connections only from processes running as one of these user
     *     ids (the peer's {@code SO_PEERCRED}, see {@link IpcSocket#peerCredentials()}); any other connection is
     *     closed at once and reported as a server {@code error} ({@code EPERM}) naming its uid, with no
     *     {@code connect}. None given (the default): every uid the socket file's mode lets in. Not applied to TCP,
     *     TLS or UDP servers
     * @return this
     */
    public IpcConfig allowedUids(int... uids) {
        java.util.Set<Integer> set = new java.util.TreeSet<>();
        for (int uid : uids) {
            set.add(uid);
        }
        this.allowedUids = java.util.Collections.unmodifiableSet(set);
        return this;
    }

    /** @return the user ids a Unix-socket server accepts (empty: any) */
    public java.util.Set<Integer> allowedUids() {
        return allowedUids;
    }

    /**
     * TLS only: how long a TLS handshake may take, counted from the moment a server accepted the connection (or a
     * client's TCP connection was established) until the handshake finished. When it fires, the connection gets an
     * {@code error} event ({@code ETIMEDOUT}, naming handshakeTimeout) and its socket is closed at once: on a
     * server, a peer that connects and never completes its handshake (an idle connection, a partial ClientHello)
     * holds a descriptor and one of the {@link #maxConnections(int)} places at most this long; a client then
     * retries as after any failed connection. Default {@link #HANDSHAKE_TIMEOUT_DEFAULT} (10 s); cannot be turned
     * off. Once the handshake finished, {@link #idleTimeout(Duration)} applies instead.
     *
     * @param handshakeTimeout the longest a TLS handshake may take; must be positive
     * @return this
     */
    public IpcConfig handshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
        return this;
    }

    /** @return the TLS handshake timeout */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Closes a connection that received nothing for this long. The idle clock starts when the connection opens
     * (the server's {@code connect} of that socket, or the client's {@code connect}; for TLS, once the handshake
     * finished, which {@link #handshakeTimeout(Duration)} bounds) and restarts whenever bytes arrive from the peer on
     * it: any bytes at all, a whole frame or a part of one, of any event (for TLS, decrypted application bytes;
     * handshake and other TLS-only records do not count). Sending does not restart it, so a peer that only listens
     * must send something (a heartbeat of its own) within the period to stay connected. When it fires, the
     * connection gets an {@code error} event ({@code ETIMEDOUT}, naming idleTimeout) and is closed after flushing
     * what was emitted to it (as {@link IpcSocket#close()} does); a server socket then gets
     * {@code socket.disconnected}, a client reconnects per {@code retry}/{@code maxRetries} as after any lost
     * connection (so a client with idleTimeout notices a server that stopped answering). Applies to the server
     * sockets and clients of this {@link Ipc} on Unix sockets, TCP and TLS, not to UDP. Default
     * {@link Duration#ZERO}: off, a connection may stay silent forever, as in node-ipc.
     *
     * @param idleTimeout how long a connection may receive nothing before it is closed; zero (the default) turns it
     *     off
     * @return this
     */
    public IpcConfig idleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
        return this;
    }

    /** @return the idle timeout (zero: off) */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    @Override
    public String toString() {
        return "IpcConfig{id=" + id + ", appspace=" + appspace + ", socketRoot=" + socketRoot + ", networkHost="
                + networkHost + ", networkPort=" + networkPort + ", rawBuffer=" + rawBuffer + ", sync=" + sync
                + ", maxConnections=" + maxConnections + ", retry=" + retry + ", maxRetries=" + maxRetries
                + ", stopRetrying=" + stopRetrying + ", handshakeTimeout=" + handshakeTimeout + ", idleTimeout="
                + idleTimeout + '}';
    }
}
