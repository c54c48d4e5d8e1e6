package io.jipc.internal.transport;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A loop's one direct write buffer and the bookkeeping to fill it with whole queued frames and give back what the
 * kernel did not take. One copy into one direct buffer is cheaper than a gathering write of heap buffers (for which
 * the JDK copies each into a temporary direct buffer of its own, and allocates beyond its small cache), it caps how
 * much a single huge frame pins in direct memory, and a native transport hands the kernel one address and length.
 * Used by one I/O thread only.
 */
public final class FrameWriter {
    /** Most frames taken from a channel's queue per write. */
    static final int IOV_MAX = 1024;

    private final ByteBuffer out;
    private final PendingWrite[] copiedFrames = new PendingWrite[IOV_MAX];
    private final int[] copiedBytes = new int[IOV_MAX];
    private int copied;

    /** @param bytes size of the direct write buffer */
    public FrameWriter(int bytes) {
        this.out = ByteBuffer.allocateDirect(bytes);
    }

    /** @return the direct buffer writes go through (for a native transport to take its address once) */
    public ByteBuffer buffer() {
        return out;
    }

    /**
     * Copies frames into the buffer: first the rest of those already in flight, then frames taken from the queue
     * (only as they are copied, so the others stay droppable). A write holds whole frames, or the chunks of one frame
     * larger than the buffer, so unless the kernel takes only part of it, every write ends on a frame boundary.
     *
     * @param inflight frames taken from the queue, not yet fully written
     * @param channel the channel whose queue is drained
     * @return the buffer, flipped: position 0, limit the bytes to write (0 when there is nothing)
     */
    ByteBuffer fill(ArrayDeque<PendingWrite> inflight, QueuedChannel channel) {
        out.clear();
        copied = 0;
        boolean full = false;
        for (PendingWrite q : inflight) {
            if (copied == IOV_MAX || (copied > 0 && q.buf.remaining() > out.remaining())) {
                full = true; // end this write on a frame boundary (node-ipc <= 12 parses only then)
                break;
            }
            copyIn(q);
        }
        PendingWrite p;
        while (!full && copied < IOV_MAX && (p = channel.peek()) != null) {
            if (copied > 0 && p.buf.remaining() > out.remaining()) {
                break;
            }
            p = channel.poll(); // dropQueued may have taken the peeked one meanwhile
            if (p == null) {
                break;
            }
            inflight.add(p);
            if (copied > 0 && p.buf.remaining() > out.remaining()) {
                break; // a larger one than peeked: it starts the next write
            }
            copyIn(p);
        }
        out.flip();
        return out;
    }

    /** Copies what fits of one frame (a frame larger than the buffer goes in chunks). */
    private void copyIn(PendingWrite q) {
        ByteBuffer b = q.buf;
        int n = Math.min(out.remaining(), b.remaining());
        out.put(out.position(), b, b.position(), n);
        out.position(out.position() + n);
        b.position(b.position() + n);
        copiedFrames[copied] = q;
        copiedBytes[copied] = n;
        copied++;
    }

    /**
     * After the write: gives back the bytes copied but not written (the buffer's remaining bytes), walking the copied
     * frames backwards, and forgets the copied frames.
     */
    void written() {
        int unwritten = out.remaining();
        for (int i = copied - 1; i >= 0 && unwritten > 0; i--) {
            ByteBuffer b = copiedFrames[i].buf;
            int back = Math.min(unwritten, copiedBytes[i]);
            b.position(b.position() - back);
            unwritten -= back;
        }
        Arrays.fill(copiedFrames, 0, copied, null);
        copied = 0;
    }
}
