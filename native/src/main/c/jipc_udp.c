/*
 * Datagrams in batches: up to JIPC_MMSG_MAX datagrams per Java call, in one recvmmsg/sendmmsg system call where the
 * OS has them (HAVE_RECVMMSG, HAVE_SENDMMSG in jipc_config.h), else in a loop of recvmsg/sendmsg with the same
 * results: the count moved, or the first datagram's -errno.
 */
#define _GNU_SOURCE
#include "jipc.h"
#include "jipc_config.h"
#include "jipc_sockaddr.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#ifdef HAVE_MSG_NOSIGNAL
#define SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL)
#else
#define SEND_FLAGS MSG_DONTWAIT /* the socket has SO_NOSIGPIPE (jipc_socket.c) */
#endif

#if defined(HAVE_RECVMMSG) && defined(HAVE_SENDMMSG)
typedef struct mmsghdr batch_msg;
#define recv_batch(fd, msgs, n, flags) recvmmsg(fd, msgs, n, flags, NULL)
#define send_batch sendmmsg
#else
/* one msghdr per datagram and the byte count it moved, as struct mmsghdr (which some C libraries lack) */
typedef struct {
    struct msghdr msg_hdr;
    unsigned int msg_len;
} batch_msg;

/* recvmmsg as a loop: the count received, or -1 with errno when the first datagram fails (a later EAGAIN ends it) */
static int recv_batch(int fd, batch_msg *msgs, unsigned n, int flags) {
    for (unsigned i = 0; i < n; i++) {
        ssize_t got = recvmsg(fd, &msgs[i].msg_hdr, flags);
        if (got < 0) {
            return i > 0 ? (int)i : -1;
        }
        msgs[i].msg_len = (unsigned)got;
    }
    return (int)n;
}

/* sendmmsg as a loop: the count sent, or -1 with errno when the first datagram fails */
static int send_batch(int fd, batch_msg *msgs, unsigned n, int flags) {
    for (unsigned i = 0; i < n; i++) {
        ssize_t sent = sendmsg(fd, &msgs[i].msg_hdr, flags);
        if (sent < 0) {
            return i > 0 ? (int)i : -1;
        }
        msgs[i].msg_len = (unsigned)sent;
    }
    return (int)n;
}
#endif

/*
 * Receives up to max datagrams into consecutive slots of slot_bytes each (datagram i at data + i * slot_bytes),
 * its sender in from[i] and its length in lens[i]. A datagram longer than its slot is cut and its length is
 * reported as -EMSGSIZE. The headers live on the stack: nothing is allocated.
 */
int jipc_recvmmsg(int fd, void *data, int slot_bytes, struct jipc_addr *from, int32_t *lens, int max) {
    batch_msg msgs[JIPC_MMSG_MAX];
    struct iovec iov[JIPC_MMSG_MAX];
    struct sockaddr_storage addrs[JIPC_MMSG_MAX];
    if (data == NULL || from == NULL || lens == NULL || slot_bytes <= 0 || max <= 0) {
        return -EINVAL;
    }
    if (max > JIPC_MMSG_MAX) {
        max = JIPC_MMSG_MAX;
    }
    memset(msgs, 0, sizeof(batch_msg) * (size_t)max);
    for (int i = 0; i < max; i++) {
        iov[i].iov_base = (char *)data + (size_t)i * (size_t)slot_bytes;
        iov[i].iov_len = (size_t)slot_bytes;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &addrs[i];
        msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
    }
    int n = recv_batch(fd, msgs, (unsigned)max, MSG_DONTWAIT);
    if (n < 0) {
        return -errno;
    }
    for (int i = 0; i < n; i++) {
        jipc_from_sockaddr(&addrs[i], msgs[i].msg_hdr.msg_namelen, &from[i]);
        lens[i] = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? -EMSGSIZE : (int32_t)msgs[i].msg_len;
    }
    return n;
}

/*
 * Sends n datagrams packed back to back in data (lengths in lens) to to[i]. Returns how many the kernel took; when
 * the first one fails, its -errno (the caller drops or retries that one and calls again for the rest).
 */
int jipc_sendmmsg(int fd, const void *data, const int32_t *lens, const struct jipc_addr *to, int n) {
    batch_msg msgs[JIPC_MMSG_MAX];
    struct iovec iov[JIPC_MMSG_MAX];
    struct sockaddr_storage addrs[JIPC_MMSG_MAX];
    if (data == NULL || lens == NULL || to == NULL || n <= 0) {
        return -EINVAL;
    }
    if (n > JIPC_MMSG_MAX) {
        n = JIPC_MMSG_MAX;
    }
    memset(msgs, 0, sizeof(batch_msg) * (size_t)n);
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        socklen_t len;
        int rc = jipc_to_sockaddr(&to[i], &addrs[i], &len);
        if (rc < 0 || lens[i] < 0) {
            if (i == 0) {
                return rc < 0 ? rc : -EINVAL;
            }
            n = i; /* send the good ones; the bad one fails alone on the next call */
            break;
        }
        iov[i].iov_base = (char *)(uintptr_t)data + off;
        iov[i].iov_len = (size_t)lens[i];
        off += (size_t)lens[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &addrs[i];
        msgs[i].msg_hdr.msg_namelen = len;
    }
    int sent = send_batch(fd, msgs, (unsigned)n, SEND_FLAGS);
    return sent < 0 ? -errno : sent;
}
