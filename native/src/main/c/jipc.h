/*
 * libjipc: the thin native layer under jipc's native transport.
 *
 * Every exported function is a syscall wrapper: it returns >= 0 on success or -errno on failure, holds no policy,
 * does no parsing and never allocates. Buffers are owned by the caller (the Java side keeps them in direct memory).
 * Addresses cross the boundary in struct jipc_addr, a platform-neutral layout the Java side reads and writes
 * directly, so no sockaddr layout (which differs between Linux and the BSDs) leaks into Java.
 */
#ifndef JIPC_H
#define JIPC_H

#include <stddef.h>
#include <stdint.h>

#define JIPC_EXPORT __attribute__((visibility("default")))

/* jipc_addr.family */
#define JIPC_AF_UNIX 1
#define JIPC_AF_INET 2
#define JIPC_AF_INET6 3

/* jipc_poll_* event bits (interest and readiness) */
#define JIPC_POLL_IN 1
#define JIPC_POLL_OUT 2
#define JIPC_POLL_ERR 4
#define JIPC_POLL_HUP 8

/* jipc_poll_ctl operations */
#define JIPC_CTL_ADD 0
#define JIPC_CTL_MOD 1
#define JIPC_CTL_DEL 2

/* jipc_socket types */
#define JIPC_STREAM 1
#define JIPC_DGRAM 2

/* jipc_listen flags */
#define JIPC_REUSEADDR 1

/* Longest Unix socket path held in a jipc_addr (sun_path on Linux is 108 bytes). */
#define JIPC_PATH_MAX 108

/*
 * An address, exactly 128 bytes (arrays of them are indexed by the Java side with that stride). INET: 4 address
 * bytes, INET6: 16, UNIX: the path bytes without a terminating NUL (an abstract-namespace name starts with a NUL
 * byte). Integers in native byte order; port in host order.
 */
struct jipc_addr {
    int32_t family;
    int32_t port;
    int32_t len;
    uint8_t bytes[JIPC_PATH_MAX];
    int32_t scope_id;
    int32_t reserved;
};
_Static_assert(sizeof(struct jipc_addr) == 128, "struct jipc_addr is 128 bytes");

/* One ready event as jipc_poll_wait writes it: 16 bytes. */
struct jipc_event {
    int64_t token;
    int32_t events;
    int32_t reserved;
};
_Static_assert(sizeof(struct jipc_event) == 16, "struct jipc_event is 16 bytes");

/* --- jipc_errno.c --- */
/* Version of the C layer's ABI; the Java side refuses a library with another. */
JIPC_EXPORT int jipc_abi_version(void);
/* Fills out[0..n) with this platform's values of the errnos listed in jipc_errno.c, in that order. */
JIPC_EXPORT int jipc_errnos(int32_t *out, int n);
/* Copies strerror(err) (NUL-terminated, truncated to len) into buf. */
JIPC_EXPORT int jipc_strerror(int err, char *buf, int len);

/* --- poll backend (jipc_poll.h, one implementation per OS) --- */
JIPC_EXPORT int jipc_poll_create(void);
JIPC_EXPORT int jipc_poll_ctl(int pfd, int op, int fd, int events, int64_t token);
JIPC_EXPORT int jipc_poll_wait(int pfd, struct jipc_event *events, int max, int timeout_ms);
JIPC_EXPORT int jipc_wakeup_create(void);
JIPC_EXPORT int jipc_wakeup_signal(int wfd);
JIPC_EXPORT int jipc_wakeup_drain(int wfd);
/* What to register with jipc_poll_ctl for a wakeup handle (a descriptor, or a value only this backend's ctl knows). */
JIPC_EXPORT int jipc_wakeup_fd(int wfd);

/* --- jipc_socket.c --- */
JIPC_EXPORT int jipc_socket(int family, int type);
JIPC_EXPORT int jipc_bind(int fd, const struct jipc_addr *addr);
JIPC_EXPORT int jipc_listen(int fd, int backlog);
JIPC_EXPORT int jipc_set_reuseaddr(int fd, int on);
JIPC_EXPORT int jipc_set_tcp_nodelay(int fd, int on);
JIPC_EXPORT int jipc_accept(int fd, struct jipc_addr *peer);
JIPC_EXPORT int jipc_connect(int fd, const struct jipc_addr *addr);
JIPC_EXPORT int jipc_connect_result(int fd);
JIPC_EXPORT int jipc_local_addr(int fd, struct jipc_addr *out);
JIPC_EXPORT int jipc_peer_addr(int fd, struct jipc_addr *out);
JIPC_EXPORT int jipc_peer_cred(int fd, int32_t *uid_gid_pid);
JIPC_EXPORT int64_t jipc_read(int fd, void *buf, int64_t len);
JIPC_EXPORT int64_t jipc_write(int fd, const void *buf, int64_t len);
JIPC_EXPORT int64_t jipc_writev(int fd, const void *iov, int cnt);
JIPC_EXPORT int jipc_close(int fd);

/* --- jipc_udp.c --- */
JIPC_EXPORT int jipc_recvmmsg(int fd, void *data, int slot_bytes, struct jipc_addr *from, int32_t *lens, int max);
JIPC_EXPORT int jipc_sendmmsg(int fd, const void *data, const int32_t *lens, const struct jipc_addr *to, int n);

/* Most datagrams one jipc_recvmmsg/jipc_sendmmsg call handles (its headers live on the stack). */
#define JIPC_MMSG_MAX 64

#endif
