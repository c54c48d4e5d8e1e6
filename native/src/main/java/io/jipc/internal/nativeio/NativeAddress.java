package io.jipc.internal.nativeio;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct jipc_addr} (jipc.h) in a direct buffer: family, port, length, then the address bytes (4, 16, or a
 * Unix socket path without its NUL), then the IPv6 scope id. Reads and writes in native byte order.
 */
final class NativeAddress {
    static final int SIZE = 128;
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 3;
    private static final int PATH_MAX = 108;
    private static final int OFF_FAMILY = 0;
    private static final int OFF_PORT = 4;
    private static final int OFF_LEN = 8;
    private static final int OFF_BYTES = 12;
    private static final int OFF_SCOPE = 120;
    /** Unix socket paths are bytes in the file system's encoding, as the JDK writes them. */
    private static final Charset PATH_CHARSET = pathCharset();

    private NativeAddress() {
    }

    private static Charset pathCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** @return a direct buffer for one address, in native byte order */
    static ByteBuffer allocate() {
        return ByteBuffer.allocateDirect(SIZE).order(ByteOrder.nativeOrder());
    }

    /** @return the libjipc family of an address */
    static int family(SocketAddress a) {
        if (a instanceof UnixDomainSocketAddress) {
            return AF_UNIX;
        }
        return ((InetSocketAddress) a).getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /**
     * Writes an address.
     *
     * @param a a UnixDomainSocketAddress or a resolved InetSocketAddress
     * @param buf from {@link #allocate}
     * @throws java.io.IOException when a Unix path is too long for {@code sun_path}
     */
    static void write(SocketAddress a, ByteBuffer buf) throws java.io.IOException {
        buf.clear();
        for (int i = 0; i < SIZE; i += 8) {
            buf.putLong(i, 0);
        }
        if (a instanceof UnixDomainSocketAddress) {
            byte[] path = ((UnixDomainSocketAddress) a).getPath().toString().getBytes(PATH_CHARSET);
            if (path.length > 1 && path[0] == '@') {
                path[0] = 0; // "@name": Linux's abstract namespace, addressed by a leading NUL byte
            }
            if (path.length == 0 || path.length >= PATH_MAX) {
                throw new java.io.IOException("Unix socket path " + (path.length == 0 ? "is empty" : "is "
                        + path.length + " bytes, longer than the " + (PATH_MAX - 1) + " the OS allows: " + a));
            }
            buf.putInt(OFF_FAMILY, AF_UNIX);
            buf.putInt(OFF_LEN, path.length);
            buf.put(OFF_BYTES, path);
            return;
        }
        InetSocketAddress inet = (InetSocketAddress) a;
        byte[] ip = inet.getAddress().getAddress();
        buf.putInt(OFF_FAMILY, ip.length == 4 ? AF_INET : AF_INET6);
        buf.putInt(OFF_PORT, inet.getPort());
        buf.putInt(OFF_LEN, ip.length);
        buf.put(OFF_BYTES, ip);
        if (inet.getAddress() instanceof Inet6Address) {
            buf.putInt(OFF_SCOPE, ((Inet6Address) inet.getAddress()).getScopeId());
        }
    }

    /**
     * Reads an address.
     *
     * @param buf holding a {@code jipc_addr} at {@code offset}
     * @param offset where it starts
     * @return the address ({@code UnixDomainSocketAddress.of("")} for an unnamed Unix socket)
     */
    static SocketAddress read(ByteBuffer buf, int offset) {
        int family = buf.getInt(offset + OFF_FAMILY);
        int len = buf.getInt(offset + OFF_LEN);
        if (family == AF_UNIX) {
            byte[] path = new byte[Math.max(0, Math.min(len, PATH_MAX))];
            buf.get(offset + OFF_BYTES, path);
            if (path.length > 0 && path[0] == 0) {
                path[0] = '@';
            }
            return UnixDomainSocketAddress.of(new String(path, PATH_CHARSET));
        }
        return readInet(buf, offset);
    }

    /**
     * @param buf holding an INET or INET6 {@code jipc_addr} at {@code offset}
     * @param offset where it starts
     * @return the address
     */
    static InetSocketAddress readInet(ByteBuffer buf, int offset) {
        int family = buf.getInt(offset + OFF_FAMILY);
        byte[] ip = new byte[family == AF_INET6 ? 16 : 4];
        buf.get(offset + OFF_BYTES, ip);
        try {
            InetAddress addr = family == AF_INET6
                    ? Inet6Address.getByAddress(null, ip, buf.getInt(offset + OFF_SCOPE))
                    : InetAddress.getByAddress(ip);
            return new InetSocketAddress(addr, buf.getInt(offset + OFF_PORT));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("libjipc returned a malformed address", e);
        }
    }
}
