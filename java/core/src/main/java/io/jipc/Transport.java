package io.jipc;

/**
 * Which socket implementation an {@link Ipc} instance runs on ({@link IpcConfig#transport}; no node-ipc equivalent).
 * The system property {@code jipc.transport} ({@code auto}, {@code nio} or {@code native}) overrides the config for
 * the whole JVM.
 */
public enum Transport {
    /**
     * The default: the native transport when libjipc is available (the {@code io.jipc:jipc-native} jar of this
     * platform is on the classpath and loads), else NIO; one log line says which was chosen and why.
     */
    AUTO,
    /** The pure-JDK transport (java.nio channels and a Selector); works everywhere Java 17 does. */
    NIO,
    /**
     * The native transport (libjipc: epoll through jnr-ffi); starting a server or client fails with {@code ENOTSUP}
     * and the reason when it is unavailable.
     */
    NATIVE
}
