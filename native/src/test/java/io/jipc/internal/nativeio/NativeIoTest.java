package io.jipc.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The poller's error texts: libjipc is built with epoll or with kqueue and does not say which, so a failed poller call
 * is named by what it does, never by one backend's system call.
 */
class NativeIoTest {
    private static final int POLL_IN = 1;
    private static final int BAD_FD = -1;

    @Test
    void shouldNamePollerCallsByWhatTheyDo() throws Exception {
        int pfd = NativeIo.pollCreate();
        try {
            assertPollError("poll register", () -> NativeIo.pollCtl(pfd, NativeIo.CTL_ADD, BAD_FD, POLL_IN, 1));
            assertPollError("poll modify", () -> NativeIo.pollCtl(pfd, NativeIo.CTL_MOD, BAD_FD, POLL_IN, 1));
            assertPollError("poll unregister", () -> NativeIo.pollCtl(pfd, NativeIo.CTL_DEL, BAD_FD, 0, 1));
        } finally {
            NativeIo.close(pfd);
        }
        ByteBuffer events = ByteBuffer.allocateDirect(16);
        assertPollError("poll wait", () -> NativeIo.pollWait(BAD_FD, NativeIo.pointer(events), 1, 0));
    }

    private static void assertPollError(String call, Executable failing) {
        NativeIoException e = assertThrows(NativeIoException.class, failing);
        assertEquals(call, e.syscall());
        assertTrue(e.errno() > 0, "an errno: " + e.errno()); // which one is the backend's (kqueue: ENOENT for modify)
        assertTrue(e.getMessage().startsWith(call + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("epoll") || e.getMessage().contains("kevent"), e.getMessage());
    }
}
