package io.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.IpcException;
import io.jipc.Transport;
import org.junit.jupiter.api.Test;

class TransportSelectionTest {
    private static final String CAUSE = "no libjipc for linux-x86_64 on the classpath";

    @Test
    void shouldPreferNativeWhenAvailable() {
        TransportSelection s = TransportSelection.choose(Transport.AUTO, null, true, null);
        assertEquals(Transport.NATIVE, s.kind());
        assertEquals("native (libjipc is available)", s.toString());
    }

    @Test
    void shouldFallBackToNioWithTheCause() {
        TransportSelection s = TransportSelection.choose(Transport.AUTO, null, false, CAUSE);
        assertEquals(Transport.NIO, s.kind());
        assertEquals("native transport unavailable: " + CAUSE, s.reason());
        assertEquals(Transport.NIO, TransportSelection.choose(Transport.AUTO, " ", false, CAUSE).kind());
    }

    @Test
    void shouldFailWhenNativeIsForcedButUnavailable() {
        IpcException e = assertThrows(IpcException.class,
                () -> TransportSelection.choose(Transport.NATIVE, null, false, CAUSE));
        assertEquals("ENOTSUP", e.code());
        assertEquals("the native transport was chosen by IpcConfig.transport=native but is unavailable: " + CAUSE,
                e.getMessage());
        e = assertThrows(IpcException.class, () -> TransportSelection.choose(Transport.AUTO, "NATIVE", false, CAUSE));
        assertTrue(e.getMessage().contains("chosen by jipc.transport=NATIVE"), e.getMessage());
    }

    @Test
    void shouldLetThePropertyOverrideTheConfig() {
        TransportSelection s = TransportSelection.choose(Transport.NATIVE, "nio", true, null);
        assertEquals(Transport.NIO, s.kind());
        assertEquals("chosen by jipc.transport=nio", s.reason());
        assertEquals(Transport.NATIVE, TransportSelection.choose(Transport.NIO, "native", true, null).kind());
        assertEquals(Transport.NIO, TransportSelection.choose(Transport.NIO, null, true, null).kind());
    }

    @Test
    void shouldRejectAnUnknownPropertyValue() {
        IpcException e = assertThrows(IpcException.class,
                () -> TransportSelection.choose(Transport.AUTO, "epoll", true, null));
        assertEquals("EINVAL", e.code());
        assertEquals("jipc.transport=epoll: must be auto, nio or native", e.getMessage());
    }
}
