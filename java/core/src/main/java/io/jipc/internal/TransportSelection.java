package io.jipc.internal;

import io.jipc.IpcException;
import io.jipc.Transport;
import io.jipc.internal.nativeio.NativeTransport;
import io.jipc.internal.transport.NioTransport;
import java.util.Locale;

/**
 * Which transport an {@code Ipc} instance starts, and why: the {@code jipc.transport} system property if set, else
 * {@link io.jipc.IpcConfig#transport}; {@code AUTO} takes the native transport when libjipc is available, else NIO.
 * Forcing native where it is unavailable fails with the cause.
 */
public final class TransportSelection {
    /** The system property that overrides the configured choice: {@code auto}, {@code nio} or {@code native}. */
    public static final String PROPERTY = "jipc.transport";

    private static final java.util.concurrent.atomic.AtomicBoolean ANNOUNCED =
            new java.util.concurrent.atomic.AtomicBoolean();

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
        return choose(configured, System.getProperty(PROPERTY), NativeTransport.isAvailable(),
                NativeTransport.unavailabilityCause());
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
    io.jipc.internal.transport.Transport start(String name, boolean silent, long busyPollNanos) {
        return kind == Transport.NATIVE ? NativeTransport.start(name, silent, busyPollNanos)
                : NioTransport.start(name, silent, busyPollNanos);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " (" + reason + ")";
    }
}
