package io.jipc.internal.nativeio;

import io.jipc.internal.transport.IoLoop;
import io.jipc.internal.transport.TransportProvider;

/**
 * Registers the native transport with jipc-core: found by {@link java.util.ServiceLoader} when jipc-native's main jar
 * is on the class or module path. Whether it can start depends on libjipc, which comes from the platform's classified
 * jar ({@code io.jipc:jipc-native:<version>:<platform>}).
 */
public final class NativeTransportProvider implements TransportProvider {
    /** Made by {@link java.util.ServiceLoader}; loading libjipc waits until it is first asked about. */
    public NativeTransportProvider() {
    }

    @Override
    public io.jipc.Transport kind() {
        return io.jipc.Transport.NATIVE;
    }

    @Override
    public boolean isAvailable() {
        return NativeLibrary.isAvailable();
    }

    @Override
    public String unavailabilityCause() {
        return NativeLibrary.unavailabilityCause();
    }

    @Override
    public IoLoop start(String name, boolean silent, long busyPollNanos) {
        return NativeTransport.start(name, silent, busyPollNanos);
    }
}
