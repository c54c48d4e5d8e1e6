package io.jipc.internal.connection;

import io.jipc.internal.MessageEncoder;
import io.jipc.internal.codec.WireCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One message on its way out to peers that may speak different codecs (broadcast, or a connection whose codec is not
 * known yet): encoded at most once per codec (and per stream or datagram framing), on first need, into the frames the
 * outbound queues take. Thread-safe.
 */
public final class OutboundMessage {
    final String type;
    private final Object data;
    final long id;
    private final MessageEncoder encoder;
    // the first encoding: codec and framing written before the volatile frame, which publishes them; readers that
    // find it skip the lock (nearly every message is sent in one codec)
    private WireCodec firstCodec;
    private boolean firstDatagram;
    private volatile ByteBuffer first;
    /** Further encodings (guarded by this): {@link Encoded} entries, for peers of other codecs. */
    private Encoded[] more;

    private record Encoded(WireCodec codec, boolean datagram, ByteBuffer frame) {
    }

    /**
     * @param encoder the instance's encoder
     * @param type the event type
     * @param data the data, as for emit
     * @param id the request id, 0 for an event
     */
    public OutboundMessage(MessageEncoder encoder, String type, Object data, long id) {
        this.encoder = encoder;
        this.type = type;
        this.data = data;
        this.id = id;
    }

    /**
     * @param codec the peer's codec
     * @param datagram true for UDP
     * @return the encoded bytes (a duplicate: each caller may consume it)
     * @throws io.jipc.IpcException ({@code EDATA}) when the data cannot be written in that codec
     */
    public ByteBuffer get(WireCodec codec, boolean datagram) {
        ByteBuffer b = first;
        if (b == null || firstCodec != codec || firstDatagram != datagram) {
            b = encode(codec, datagram);
        }
        return b.duplicate();
    }

    /**
     * Encodes the message for the fallback codec (JSON, what a silent or node-ipc peer gets), so that data no codec
     * can write is reported when there is no peer to send it to.
     *
     * @param codec the codec to check with
     * @throws io.jipc.IpcException ({@code EDATA}) when the data cannot be written
     */
    public void requireEncodable(WireCodec codec) {
        get(codec, false);
    }

    private synchronized ByteBuffer encode(WireCodec codec, boolean datagram) {
        ByteBuffer b = first;
        if (b != null && firstCodec == codec && firstDatagram == datagram) {
            return b;
        }
        if (more != null) {
            for (Encoded e : more) {
                if (e.codec == codec && e.datagram == datagram) {
                    return e.frame;
                }
            }
        }
        ByteBuffer frame = encoder.encode(codec, datagram, type, data, id, 0, null, null);
        if (b == null) {
            firstCodec = codec;
            firstDatagram = datagram;
            first = frame;
        } else {
            more = more == null ? new Encoded[1] : Arrays.copyOf(more, more.length + 1);
            more[more.length - 1] = new Encoded(codec, datagram, frame);
        }
        return frame;
    }
}
