package io.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.IpcConfig;
import io.jipc.IpcException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/**
 * The text of OS errors (issue #13): no double or stray space where the peer has no name (an accepted Unix socket's
 * peer), and the socketRoot hint only for a path made from socketRoot + appspace + id.
 */
class ErrorTextTest {
    private final IpcRuntime rt = new IpcRuntime(IpcConfig.defaults().socketRoot("/tmp/").appspace("app."),
            (id, client) -> { });

    @Test
    void anUnnamedPeerLeavesNoStraySpace() {
        IpcException e = rt.osError("socket 5", UnixDomainSocketAddress.of(""), new IOException("Broken pipe"));
        assertTrue(e.getMessage().startsWith("socket 5: "), e.getMessage());
        assertFalse(e.getMessage().contains(" :") || e.getMessage().contains("  "), e.getMessage());
    }

    @Test
    void anExplicitPathGetsNoSocketRootHint() {
        IpcException e = rt.osError("connect server", UnixDomainSocketAddress.of("/tmp/none"),
                new NoSuchFileException("/tmp/none"));
        assertEquals("ENOENT", e.code());
        assertEquals("connect server /tmp/none: no such socket (is the server started?)", e.getMessage());
    }

    @Test
    void aPathMadeFromAnIdGetsTheSocketRootHint() {
        IpcException e = rt.osError("connect world", UnixDomainSocketAddress.of("/tmp/app.world"),
                new NoSuchFileException("/tmp/app.world"));
        assertEquals("ENOENT", e.code());
        assertEquals("connect world /tmp/app.world: no such socket (is the server started? socketRoot=/tmp/)",
                e.getMessage());
    }
}
