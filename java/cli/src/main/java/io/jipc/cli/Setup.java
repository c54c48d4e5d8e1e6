package io.jipc.cli;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import java.util.Set;

/** Turns the options every serving or connecting command shares into an {@link IpcConfig}. */
final class Setup {
    /**
     * Address and TLS options with a value shared by serve, emit and listen (the options that set one config value
     * each are {@link ConfigFlag}s).
     */
    static final Set<String> VALUED = Set.of("--id", "--socket-root", "--appspace", "--path", "--tcp", "--udp4",
            "--udp6", "--bind", "--private", "--public", "--trusted");
    /** TLS flags shared by serve, emit and listen. */
    static final Set<String> FLAGS = Set.of("--request-cert", "--no-reject-unauthorized");

    /** The instance id of a client, or of a server not addressed by --id (it only names the I/O thread). */
    private static final String DEFAULT_ID = "jipc";

    private Setup() {
    }

    /**
     * @param o the options
     * @param address where to serve or connect
     * @return a config for a server at that address
     */
    static IpcConfig server(Options o, Address address) {
        return address.configure(common(o));
    }

    /**
     * A client that never reconnects: a CLI that cannot connect reports it and exits instead of retrying.
     *
     * @param o the options
     * @param address where to connect
     * @return a config for a client of that address
     */
    static IpcConfig client(Options o, Address address) {
        return address.configure(common(o)).stopRetrying(true).maxRetries(0);
    }

    private static IpcConfig common(Options o) {
        IpcConfig c = ConfigFlag.applyAll(o, IpcConfig.defaults().id(DEFAULT_ID));
        boolean tls = o.has("--private") || o.has("--public") || o.has("--trusted") || o.flag("--request-cert")
                || o.flag("--no-reject-unauthorized");
        if (tls) {
            if (!o.has("--tcp")) {
                throw new UsageException("--private, --public, --trusted, --request-cert and --no-reject-unauthorized"
                        + " apply to --tcp addresses only");
            }
            IpcConfig.Tls t = IpcConfig.Tls.create().requestCert(o.flag("--request-cert"))
                    .rejectUnauthorized(!o.flag("--no-reject-unauthorized"));
            if (o.has("--private")) {
                t = t.privateKey(o.value("--private"));
            }
            if (o.has("--public")) {
                t = t.publicCert(o.value("--public"));
            }
            if (o.has("--trusted")) {
                t = t.trustedConnections(o.value("--trusted").split(","));
            }
            c.tls(t);
        }
        return c;
    }

    /**
     * @param v the value of --transport, or null when absent
     * @return the --transport choice ({@code auto} when absent)
     * @throws UsageException for a value other than auto, nio or native
     */
    static io.jipc.Transport transport(String v) {
        if (v == null) {
            return io.jipc.Transport.AUTO;
        }
        try {
            return io.jipc.Transport.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --transport needs auto, nio or native, not '" + v + "'");
        }
    }

    /**
     * @param config the config
     * @return the instance
     * @throws UsageException when the config holds an invalid value (the message names the option)
     */
    static Ipc create(IpcConfig config) {
        try {
            return Ipc.create(config);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
