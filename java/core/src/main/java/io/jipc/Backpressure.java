package io.jipc;

/**
 * What {@code emit} does when a connection's outbound queue is at its {@link IpcConfig#highWaterMarkBytes high-water
 * mark}, i.e. the peer reads slower than this side writes (no node-ipc equivalent: node-ipc buffers without bound).
 *
 * <p>The mark bounds the bytes emitted on one connection that have not yet reached the kernel. A frame is always
 * accepted when nothing is queued, so one frame larger than the mark still goes out; the queue never holds more than
 * the mark or that one frame. Applies to Unix, TCP and TLS connections; a UDP server sends each datagram as it comes
 * and the kernel drops what it cannot buffer.
 */
public enum Backpressure {
    /**
     * The default: the emit's stage fails at once with an {@link IpcException} coded {@code EBACKPRESSURE} naming
     * the connection and the queued byte count; nothing is queued and earlier frames are unaffected.
     */
    FAIL,
    /**
     * The emitting thread waits until the frame fits under the mark (or the connection closes: {@code ECLOSED}). On
     * the I/O thread (handlers without an {@link IpcConfig#executor executor}) waiting would stall every connection,
     * so there the emit fails with {@code EBACKPRESSURE} instead, as does an interrupted wait (the interrupt flag is
     * kept; the frame is not sent). {@code broadcast} never waits: a socket at its mark fails its part with
     * {@code EBACKPRESSURE}, so one stuck socket cannot hold up the others.
     *
     * <p>To wait without a thread, use {@link IpcClient#emitWhenWritable} / {@link IpcSocket#emitWhenWritable}: the
     * frame waits in the connection's line and its stage completes once it is accepted; it can be withdrawn until
     * then. Waiting frames, blocked threads' included, are accepted first come, first served, and while any waits,
     * later emits line up behind it (and broadcasts and I/O-thread emits to that connection fail), so none starves.
     * Requests and replies ({@code request}, {@code Message.reply}) always wait that way: they never block a thread.
     */
    BLOCK,
    /**
     * The oldest queued frames that the I/O thread has not started writing are dropped until the new one fits; their
     * stages fail with {@code EBACKPRESSURE} ("dropped"). When what is queued is already being written and cannot be
     * dropped, the new emit fails with {@code EBACKPRESSURE} instead.
     */
    DROP_OLDEST
}
