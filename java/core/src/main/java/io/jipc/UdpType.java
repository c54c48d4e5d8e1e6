package io.jipc;

/**
 * The UDP flavours of node-ipc's {@code ipc.serveNet(host, port, 'udp4' | 'udp6')}: see
 * {@link Ipc#serveNet(String, int, UdpType)}.
 */
public enum UdpType {
    /** node-ipc's {@code 'udp4'}: an IPv4 datagram socket (an IPv6 loopback host binds 127.0.0.1, as in node-ipc). */
    UDP4,
    /** node-ipc's {@code 'udp6'}: an IPv6 datagram socket. */
    UDP6;

    /** @return the largest payload one datagram of this family can carry: 65507 (IPv4) or 65527 (IPv6) bytes */
    public int maxDatagramBytes() {
        return this == UDP4 ? 65_507 : 65_527;
    }
}
