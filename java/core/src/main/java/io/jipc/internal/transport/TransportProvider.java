package io.jipc.internal.transport;

/**
 * A transport that lives in another artifact and is found at run time with {@link java.util.ServiceLoader}: the
 * native transport (jipc-native's main jar registers its provider in {@code META-INF/services} and in its
 * {@code module-info}). jipc-core itself knows only NIO, so an application without jipc-native needs none of its
 * dependencies (jnr-ffi, jffi). Not API: implemented by jipc's own modules only.
 */
public interface TransportProvider {
    /** @return the kind this provider starts, e.g. {@link io.jipc.Transport#NATIVE} */
    io.jipc.Transport kind();

    /** @return true when this transport can start in this JVM (e.g. its C library loaded) */
    boolean isAvailable();

    /** @return why {@link #isAvailable()} is false, or null when it is true */
    String unavailabilityCause();

    /**
     * Starts the transport's I/O thread.
     *
     * @param name thread name prefix
     * @param silent true to suppress log output
     * @param busyPollNanos how long the I/O thread polls without blocking before it waits (0: never)
     * @return the running transport
     * @throws io.jipc.IpcException when the transport is unavailable or cannot start
     */
    IoLoop start(String name, boolean silent, long busyPollNanos);
}
