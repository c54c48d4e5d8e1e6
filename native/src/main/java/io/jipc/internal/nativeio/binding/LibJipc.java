package io.jipc.internal.nativeio.binding;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.Out;

/**
 * libjipc's exported functions (native/src/main/c/jipc.h), bound by jnr-ffi. Every call returns {@code >= 0} or
 * {@code -errno}; {@code @IgnoreError} spares jnr-ffi reading errno after each call, since the value carries it.
 * Pointers are into direct buffers the Java side owns. Only io.jipc.internal.nativeio calls these. Public only because jnr-ffi
 * generates the implementation in a class loader of its own, which cannot implement a package-private interface.
 */
public interface LibJipc {
    /**
     * {@code jipc_abi_version} (jipc.h).
     *
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_abi_version();

    /**
     * {@code jipc_errnos} (jipc.h).
     *
     * @param out filled by the call
     * @param n entries in the arrays
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_errnos(@Out int[] out, int n);

    /**
     * {@code jipc_strerror} (jipc.h).
     *
     * @param err an errno value
     * @param buf the bytes
     * @param len byte count
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_strerror(int err, @Out byte[] buf, int len);

    /**
     * {@code jipc_poll_create} (jipc.h).
     *
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_poll_create();

    /**
     * {@code jipc_poll_ctl} (jipc.h).
     *
     * @param pfd the poller
     * @param op 0 add, 1 modify, 2 delete
     * @param fd a socket descriptor
     * @param events interest JIPC_POLL_IN (1) | JIPC_POLL_OUT (2), or the event buffer
     * @param token returned with the fd's events
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_poll_ctl(int pfd, int op, int fd, int events, long token);

    /**
     * {@code jipc_poll_wait} (jipc.h).
     *
     * @param pfd the poller
     * @param events interest JIPC_POLL_IN (1) | JIPC_POLL_OUT (2), or the event buffer
     * @param max most entries to fill
     * @param timeoutMs -1 forever, 0 no wait
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_poll_wait(int pfd, Pointer events, int max, int timeoutMs);

    /**
     * {@code jipc_wakeup_create} (jipc.h).
     *
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_wakeup_create();

    /**
     * {@code jipc_wakeup_signal} (jipc.h).
     *
     * @param wfd the wakeup handle
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_wakeup_signal(int wfd);

    /**
     * {@code jipc_wakeup_drain} (jipc.h).
     *
     * @param wfd the wakeup handle
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_wakeup_drain(int wfd);

    /**
     * {@code jipc_wakeup_fd} (jipc.h).
     *
     * @param wfd the wakeup handle
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_wakeup_fd(int wfd);

    /**
     * {@code jipc_socket} (jipc.h).
     *
     * @param family JIPC_AF_UNIX (1), INET (2), INET6 (3)
     * @param type JIPC_STREAM (1) or DGRAM (2)
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_socket(int family, int type);

    /**
     * {@code jipc_bind} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param addr a struct jipc_addr
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_bind(int fd, Pointer addr);

    /**
     * {@code jipc_listen} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param backlog listen backlog
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_listen(int fd, int backlog);

    /**
     * {@code jipc_set_reuseaddr} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param on 1 on, 0 off
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_set_reuseaddr(int fd, int on);

    /**
     * {@code jipc_set_tcp_nodelay} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param on 1 on, 0 off
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_set_tcp_nodelay(int fd, int on);

    /**
     * {@code jipc_accept} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param peer struct jipc_addr filled with the peer
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_accept(int fd, Pointer peer);

    /**
     * {@code jipc_connect} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param addr a struct jipc_addr
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_connect(int fd, Pointer addr);

    /**
     * {@code jipc_connect_result} (jipc.h).
     *
     * @param fd a socket descriptor
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_connect_result(int fd);

    /**
     * {@code jipc_local_addr} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param out filled by the call
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_local_addr(int fd, Pointer out);

    /**
     * {@code jipc_peer_cred} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param uidGidPid three int32 filled with uid, gid, pid
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_peer_cred(int fd, Pointer uidGidPid);

    /**
     * {@code jipc_read} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param buf the bytes
     * @param len byte count
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    long jipc_read(int fd, Pointer buf, long len);

    /**
     * {@code jipc_write} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param buf the bytes
     * @param len byte count
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    long jipc_write(int fd, Pointer buf, long len);

    /**
     * {@code jipc_recvmmsg} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param data datagram bytes
     * @param slotBytes bytes per datagram slot
     * @param from struct jipc_addr per datagram
     * @param lens int32 length per datagram
     * @param max most entries to fill
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_recvmmsg(int fd, Pointer data, int slotBytes, Pointer from, Pointer lens, int max);

    /**
     * {@code jipc_sendmmsg} (jipc.h).
     *
     * @param fd a socket descriptor
     * @param data datagram bytes
     * @param lens int32 length per datagram
     * @param to struct jipc_addr per datagram
     * @param n entries in the arrays
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_sendmmsg(int fd, Pointer data, Pointer lens, Pointer to, int n);

    /**
     * {@code jipc_close} (jipc.h).
     *
     * @param fd a socket descriptor
     * @return {@code >= 0}, or {@code -errno}
     */
    @IgnoreError
    int jipc_close(int fd);
}
