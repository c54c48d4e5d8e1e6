package io.jipc.internal;

import io.jipc.internal.codec.Codec;
import java.nio.ByteBuffer;

/**
 * One message to send to peers that may speak different codecs (broadcast, or a connection whose codec is not known
 * yet): encoded at most once per codec, on first need. Thread-safe.
 */
final class Outgoing {
    final String type;
    private final Object data;
    final long id;
    private final IpcRuntime rt;
    // each written once (under the lock), then only read: volatile, so readers after the first skip the lock
    private volatile ByteBuffer json;
    private volatile ByteBuffer proto;
    private volatile ByteBuffer protoDatagram;

    Outgoing(IpcRuntime rt, String type, Object data, long id) {
        this.rt = rt;
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
    ByteBuffer get(Codec codec, boolean datagram) {
        ByteBuffer b = codec == Codec.JSON ? json : datagram ? protoDatagram : proto;
        if (b == null) {
            b = encode(codec, datagram);
        }
        return b.duplicate();
    }

    private synchronized ByteBuffer encode(Codec codec, boolean datagram) {
        ByteBuffer b;
        if (codec == Codec.JSON) {
            if (json == null) {
                json = rt.encode(Codec.JSON, datagram, type, data, id, 0, null, null);
            }
            b = json;
        } else if (datagram) {
            if (protoDatagram == null) {
                protoDatagram = rt.encode(Codec.PROTO, true, type, data, id, 0, null, null);
            }
            b = protoDatagram;
        } else {
            if (proto == null) {
                proto = rt.encode(Codec.PROTO, false, type, data, id, 0, null, null);
            }
            b = proto;
        }
        return b;
    }
}
