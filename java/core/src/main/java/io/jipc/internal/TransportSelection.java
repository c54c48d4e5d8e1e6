package io.jipc.internal;

import io.jipc.IpcException;
import io.jipc.Transport;
import io.jipc.internal.transport.NioTransport;
import io.jipc.internal.transport.TransportProvider;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Which transport an {@code Ipc} instance starts, and why: the {@code jipc.transport} system property if set, else
 * {@link io.jipc.IpcConfig#transport}; {@code AUTO} takes the native transport when libjipc is available, else NIO.
 * Forcing native where it is unavailable fails with the cause.
 *
 * <p>The native transport is not part of jipc-core: it is the {@link TransportProvider} that jipc-native's main jar
 * registers, looked up once per JVM with {@link ServiceLoader}. Without that jar the cause says which artifacts to add.
 */
public final class TransportSelection {
    /** The system property that overrides the configured choice: {@code auto}, {@code nio} or {@code native}. */
    public static final String PROPERTY = "jipc.transport";

    /** Why native is unavailable when no provider is on the class or module path. */
    static final String NATIVE_ARTIFACT_MISSING = "the native transport is not on the class or module path: add "
            + "io.jipc:jipc-native (the main jar and the jar classified with your platform, e.g. linux-x86_64)";

    private static final java.util.concurrent.atomic.AtomicBoolean ANNOUNCED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * The native provider and whether it can run, decided once, on first use. A jipc-native jar whose own
     * dependencies are missing (e.g. jnr-ffi) makes native unavailable, with the cause; it never fails the caller.
     */
    private static final class Native {
        static final TransportProvider PROVIDER;
        /** Why native cannot run, or null when it can. */
        static final String CAUSE;

        static {
            TransportProvider found = null;
            String cause;
            try {
                for (TransportProvider p : ServiceLoader.load(TransportProvider.class,
                        TransportSelection.class.getClassLoader())) {
                    if (p.kind() == Transport.NATIVE) {
                        found = p;
                        break;
                    }
                }
                cause = found == null ? NATIVE_ARTIFACT_MISSING
                        : found.isAvailable() ? null : found.unavailabilityCause();
            } catch (java.util.ServiceConfigurationError | LinkageError e) {
                found = null;
                cause = "the native transport cannot be loaded (is jnr-ffi missing?): " + e;
            }
            PROVIDER = cause == null ? found : null;
            CAUSE = cause;
        }
    }

    private final Transport kind;
    private final String reason;

    private TransportSelection(Transport kind, String reason) {
        this.kind = kind;
        this.reason = reason;
    }

    /**
     * Decides with this JVM's system property and native library.
     *
     * @param configured the config's choice
     * @return NIO or NATIVE, with the reason
     * @throws IpcException {@code EINVAL} for a bad property value, {@code ENOTSUP} when native is forced but
     *     unavailable
     */
    public static TransportSelection choose(Transport configured) {
        return choose(configured, System.getProperty(PROPERTY), nativeAvailable(), nativeUnavailabilityCause());
    }

    /** @return true when jipc-native is present and libjipc loaded for this platform */
    public static boolean nativeAvailable() {
        return Native.PROVIDER != null;
    }

    /** @return why the native transport cannot be used (a missing artifact or libjipc's load failure), or null */
    public static String nativeUnavailabilityCause() {
        return Native.CAUSE;
    }

    /**
     * @param configured the config's choice
     * @param property the {@code jipc.transport} value, or null
     * @param nativeAvailable whether libjipc loaded
     * @param cause why not, when it did not
     * @return NIO or NATIVE, with the reason
     */
    static TransportSelection choose(Transport configured, String property, boolean nativeAvailable, String cause) {
        Transport want = configured;
        String by = "IpcConfig.transport=" + configured.name().toLowerCase(Locale.ROOT);
        if (property != null && !property.isBlank()) {
            try {
                want = Transport.valueOf(property.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IpcException(IpcException.EINVAL,
                        PROPERTY + "=" + property + ": must be auto, nio or native");
            }
            by = PROPERTY + "=" + property.trim();
        }
        switch (want) {
            case NIO:
                return new TransportSelection(Transport.NIO, "chosen by " + by);
            case NATIVE:
                if (!nativeAvailable) {
                    throw new IpcException(IpcException.ENOTSUP, "the native transport was chosen by " + by
                            + " but is unavailable: " + cause);
                }
                return new TransportSelection(Transport.NATIVE, "chosen by " + by);
            default:
                return nativeAvailable ? new TransportSelection(Transport.NATIVE, "libjipc is available")
                        : new TransportSelection(Transport.NIO, "native transport unavailable: " + cause);
        }
    }

    /** @return true the first time it is called in this JVM (the choice is logged once, not per instance) */
    static boolean firstAnnouncement() {
        return ANNOUNCED.compareAndSet(false, true);
    }

    /** @return {@link Transport#NIO} or {@link Transport#NATIVE} */
    public Transport kind() {
        return kind;
    }

    /** @return why this transport was chosen */
    public String reason() {
        return reason;
    }

    /**
     * Starts the chosen transport's I/O thread.
     *
     * @param name thread name prefix
     * @param silent true to suppress log output
     * @param busyPollNanos how long the I/O thread polls without blocking before it waits (0: never)
     * @return the running transport
     */
    io.jipc.internal.transport.IoLoop start(String name, boolean silent, long busyPollNanos) {
        if (kind == Transport.NATIVE) {
            TransportProvider p = Native.PROVIDER;
            if (p == null) {
                throw new IpcException(IpcException.ENOTSUP, "the native transport is unavailable: " + Native.CAUSE);
            }
            return p.start(name, silent, busyPollNanos);
        }
        return NioTransport.start(name, silent, busyPollNanos);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " (" + reason + ")";
    }
}
