package io.jipc;

import java.util.Locale;

/**
 * Which transport this JVM runs an {@link Ipc} on and why, and whether the native transport is available here (and if
 * not, why): what {@code jipc info} prints. Made by {@link Ipc#transportInfo(Transport)}; immutable.
 */
public final class TransportInfo {
    private final Transport chosen;
    private final String reason;
    private final boolean nativeAvailable;
    private final String nativeUnavailableCause;
    private final String platform;

    TransportInfo(Transport chosen, String reason, boolean nativeAvailable, String nativeUnavailableCause,
            String platform) {
        this.chosen = chosen;
        this.reason = reason;
        this.nativeAvailable = nativeAvailable;
        this.nativeUnavailableCause = nativeUnavailableCause;
        this.platform = platform;
    }

    /** @return {@link Transport#NIO} or {@link Transport#NATIVE}, never {@code AUTO} */
    public Transport chosen() {
        return chosen;
    }

    /** @return why, e.g. {@code "chosen by jipc.transport=nio"} or {@code "libjipc is available"} */
    public String reason() {
        return reason;
    }

    /**
     * @return true when the native transport can run in this JVM: jipc-native (the main jar and this platform's jar)
     *     is on the class or module path and libjipc loaded
     */
    public boolean nativeAvailable() {
        return nativeAvailable;
    }

    /** @return why the native transport cannot run here (e.g. jipc-native is missing), or null when it can */
    public String nativeUnavailableCause() {
        return nativeUnavailableCause;
    }

    /** @return this JVM's platform as the jipc-native jars' classifiers spell it, e.g. {@code linux-x86_64} */
    public String platform() {
        return platform;
    }

    @Override
    public String toString() {
        return chosen.name().toLowerCase(Locale.ROOT) + " (" + reason + ")";
    }
}
