package io.jipc.cli;

import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcConfig;
import io.jipc.IpcServer;

/**
 * Where to serve or connect, from the command line: {@code --id ID [--socket-root DIR] [--appspace S]} (node-ipc's
 * path rule, socketRoot + appspace + id), {@code --path PATH} or {@code --tcp HOST:PORT}.
 */
sealed interface Address permits Address.Named, Address.UnixPath, Address.Tcp, Address.Udp {
    /** The key of a client in {@code ipc.of} when the address has no id of its own. */
    String CLIENT_KEY = "server";

    /**
     * @param o the command's options
     * @param serving true for serve (TCP port 0 allowed: the OS picks one)
     * @return the address
     * @throws UsageException when none or several are given, or one is malformed
     */
    static Address from(Options o, boolean serving) {
        int given = (o.has("--id") ? 1 : 0) + (o.has("--path") ? 1 : 0) + (o.has("--tcp") ? 1 : 0)
                + (o.has("--udp4") ? 1 : 0) + (o.has("--udp6") ? 1 : 0);
        if (given != 1) {
            throw new UsageException("'" + o.command().word() + "' needs exactly one address: --id ID, --path PATH,"
                    + " --tcp HOST:PORT, --udp4 HOST:PORT or --udp6 HOST:PORT" + (given > 1 ? " (several were given)"
                    : ""));
        }
        boolean udp = o.has("--udp4") || o.has("--udp6");
        if (o.has("--bind") && (!udp || serving)) {
            throw new UsageException("--bind applies to emit and listen with --udp4/--udp6 (serve binds its address)");
        }
        if (udp) {
            io.jipc.UdpType type = o.has("--udp4") ? io.jipc.UdpType.UDP4 : io.jipc.UdpType.UDP6;
            String flag = o.has("--udp4") ? "--udp4" : "--udp6";
            Tcp at = Tcp.parse(flag, o.value(flag), serving);
            Tcp bind = o.has("--bind") ? Tcp.parse("--bind", o.value("--bind"), true)
                    : new Tcp(type == io.jipc.UdpType.UDP4 ? "127.0.0.1" : "::1", 0);
            return new Udp(type, at.host(), at.port(), bind.host(), bind.port());
        }
        if (!o.has("--id") && (o.has("--socket-root") || o.has("--appspace"))) {
            throw new UsageException("--socket-root and --appspace only apply with --id");
        }
        if (o.has("--id")) {
            String id = o.value("--id");
            if (id.isEmpty()) {
                throw new UsageException("--id needs a non-empty id");
            }
            String root = o.value("--socket-root");
            if (root == null) {
                root = "/tmp/";
            } else if (!root.endsWith("/")) {
                root = root + "/";
            }
            String appspace = o.value("--appspace");
            return new Named(id, root, appspace == null ? "app." : appspace);
        }
        if (o.has("--path")) {
            if (o.value("--path").isEmpty()) {
                throw new UsageException("--path needs a socket file path");
            }
            return new UnixPath(o.value("--path"));
        }
        return Tcp.parse("--tcp", o.value("--tcp"), serving);
    }

    /**
     * @param config a config to adapt (Named sets id, socketRoot and appspace)
     * @return the same config
     */
    default IpcConfig configure(IpcConfig config) {
        return config;
    }

    /** @return a new, not yet started server at this address */
    IpcServer serve(Ipc ipc);

    /**
     * @param setup registers the client's handlers before the first connection attempt
     * @return a client connecting to this address
     */
    IpcClient connect(Ipc ipc, java.util.function.Consumer<IpcClient> setup);

    /** @return the address as printed in messages and in the start line */
    String describe();

    /** node-ipc's default rule: the Unix socket at {@code socketRoot + appspace + id}. */
    record Named(String id, String socketRoot, String appspace) implements Address {
        /** @return the socket file path */
        String path() {
            return socketRoot + appspace + id;
        }

        @Override
        public IpcConfig configure(IpcConfig config) {
            return config.id(id).socketRoot(socketRoot).appspace(appspace);
        }

        @Override
        public IpcServer serve(Ipc ipc) {
            return ipc.serve();
        }

        @Override
        public IpcClient connect(Ipc ipc, java.util.function.Consumer<IpcClient> setup) {
            return ipc.connectTo(id, setup);
        }

        @Override
        public String describe() {
            return path();
        }
    }

    /** A Unix socket at an explicit path. */
    record UnixPath(String path) implements Address {
        @Override
        public IpcServer serve(Ipc ipc) {
            return ipc.serve(path);
        }

        @Override
        public IpcClient connect(Ipc ipc, java.util.function.Consumer<IpcClient> setup) {
            return ipc.connectTo(CLIENT_KEY, path, setup);
        }

        @Override
        public String describe() {
            return path;
        }
    }

    /** TCP; an IPv6 host is written in brackets ({@code [::1]:8000}). */
    record Tcp(String host, int port) implements Address {
        static Tcp parse(String flag, String text, boolean serving) {
            String host;
            String port;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                    throw new UsageException(flag + " " + text + ": expected [IPV6]:PORT");
                }
                host = text.substring(1, close);
                port = text.substring(close + 2);
            } else {
                int colon = text.lastIndexOf(':');
                if (colon < 0) {
                    throw new UsageException(flag + " " + text + ": expected HOST:PORT");
                }
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
                if (host.contains(":")) {
                    throw new UsageException(flag + " " + text + ": write an IPv6 host in brackets, e.g. [::1]:8000");
                }
            }
            if (host.isEmpty()) {
                throw new UsageException(flag + " " + text + ": the host is missing (e.g. 127.0.0.1:8000)");
            }
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            int min = serving ? 0 : 1;
            if (p < min || p > 65535) {
                throw new UsageException(flag + " " + text + ": the port must be " + min + "..65535"
                        + (serving ? " (0: the OS picks one)" : ""));
            }
            if (serving && new java.net.InetSocketAddress(host, 0).isUnresolved()) {
                // a client may retry until the name resolves; a server cannot bind a name that does not
                throw new UsageException(flag + " " + text + ": unknown host " + host);
            }
            return new Tcp(host, p);
        }

        @Override
        public IpcServer serve(Ipc ipc) {
            return ipc.serveNet(host, port);
        }

        @Override
        public IpcClient connect(Ipc ipc, java.util.function.Consumer<IpcClient> setup) {
            return ipc.connectToNet(CLIENT_KEY, host, port, setup);
        }

        @Override
        public String describe() {
            return hostPort(host, port);
        }

        /** @return HOST:PORT, with an IPv6 host in brackets */
        static String hostPort(String host, int port) {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * UDP ({@code --udp4}/{@code --udp6} HOST:PORT): serve binds it; emit and listen bind {@code bindHost:bindPort}
     * and talk to it through {@link UdpClient}.
     */
    record Udp(io.jipc.UdpType type, String host, int port, String bindHost, int bindPort) implements Address {
        @Override
        public IpcServer serve(Ipc ipc) {
            return ipc.serveNet(host, port, type);
        }

        @Override
        public IpcClient connect(Ipc ipc, java.util.function.Consumer<IpcClient> setup) {
            return UdpClient.open(ipc, this, setup);
        }

        @Override
        public String describe() {
            return type.name().toLowerCase(java.util.Locale.ROOT) + " " + Tcp.hostPort(host, port);
        }
    }
}
