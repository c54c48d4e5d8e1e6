package io.jipc.internal.transport;

/** Puts a channel into states that only a race between threads reaches, so a test can take that path every time. */
public final class ChannelRaces {
    private ChannelRaces() {
    }

    /**
     * Stands for a writer that passed the channel's "closing?" check just before another thread started the close:
     * its write is queued after the close began. Clearing the flag lets the next write take that path on purpose.
     *
     * @param channel a channel whose close has begun
     */
    public static void writerPassedTheClosingCheck(QueuedChannel channel) {
        channel.closing = false;
    }
}
