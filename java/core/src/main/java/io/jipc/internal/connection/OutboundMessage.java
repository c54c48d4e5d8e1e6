package io.jipc.internal.connection;

import io.jipc.internal.MessageEncoder;
import io.jipc.internal.codec.Codec;
import java.nio.ByteBuffer;

/**
 * One message on its way out to peers that may speak different codecs (broadcast, or a connection whose codec is not
 * known yet): encoded at most once per codec, on first need, into the frames the outbound queues take. Thread-safe.
 */
public final class OutboundMessage {
    final String type;
    private final Object data;
    final long id;
    private final MessageEncoder encoder;
    // each written once (under the lock), then only read: volatile, so readers after the first skip the lock
    private volatile ByteBuffer json;
    private volatile ByteBuffer proto;
    private volatile ByteBuffer protoDatagram;

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
    public ByteBuffer get(Codec codec, boolean datagram) {
        ByteBuffer b = codec == Codec.JSON ? json : datagram ? protoDatagram : proto;
        if (b == null) {
            b = encode(codec, datagram);
        }
        return b.duplicate();
    }

    /**
     * Encodes the message for the most common codec (JSON, what a silent or node-ipc peer gets), so that data no
     * codec can write is reported when there is no peer to send it to.
     *
     * @throws io.jipc.IpcException ({@code EDATA}) when the data cannot be written
     */
    public void requireEncodable() {
        get(Codec.JSON, false);
    }

    private synchronized ByteBuffer encode(Codec codec, boolean datagram) {
        ByteBuffer b;
        if (codec == Codec.JSON) {
            if (json == null) {
                json = encoder.encode(Codec.JSON, datagram, type, data, id, 0, null, null);
            }
            b = json;
        } else if (datagram) {
            if (protoDatagram == null) {
                protoDatagram = encoder.encode(Codec.PROTO, true, type, data, id, 0, null, null);
            }
            b = protoDatagram;
        } else {
            if (proto == null) {
                proto = encoder.encode(Codec.PROTO, false, type, data, id, 0, null, null);
            }
            b = proto;
        }
        return b;
    }
}
