package io.jipc.internal.connection;

import java.util.Set;

/**
 * The built-in event names a peer may not send unless {@link io.jipc.IpcConfig#allowReservedEvents} is set, with the
 * last answer remembered: a decoder hands out one String per event type, so a stream of one type costs a reference
 * compare per frame. One per connection, used by its I/O thread only.
 */
final class ReservedNames {
    /** node-ipc's own events: a peer that sends one would fake this side's lifecycle. */
    static final Set<String> RESERVED = Set.of("connect", "disconnect", "socket.disconnected", "destroy", "error",
            "data", "start", "close");

    private String last;
    private boolean reserved;

    /**
     * @param type an event type from a peer
     * @return true when it is a built-in name
     */
    boolean test(String type) {
        if (type != last) {
            reserved = RESERVED.contains(type);
            last = type;
        }
        return reserved;
    }
}
