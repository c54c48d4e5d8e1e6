/* Stream sockets (Unix-domain and TCP): create, bind, listen, accept, connect, read, write, credentials, close. */
#define _GNU_SOURCE
#include "jipc.h"
#include "jipc_sockaddr.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static int os_family(int family) {
    switch (family) {
    case JIPC_AF_UNIX:
        return AF_UNIX;
    case JIPC_AF_INET:
        return AF_INET;
    case JIPC_AF_INET6:
        return AF_INET6;
    default:
        return -1;
    }
}

/* Every socket is born non-blocking and close-on-exec, atomically (no window for a concurrent fork/exec). */
int jipc_socket(int family, int type) {
    int f = os_family(family);
    int t = type == JIPC_STREAM ? SOCK_STREAM : type == JIPC_DGRAM ? SOCK_DGRAM : -1;
    if (f < 0) {
        return -EAFNOSUPPORT;
    }
    if (t < 0) {
        return -EINVAL;
    }
    int fd = socket(f, t | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

int jipc_bind(int fd, const struct jipc_addr *addr) {
    struct sockaddr_storage ss;
    socklen_t len;
    int rc = jipc_to_sockaddr(addr, &ss, &len);
    if (rc < 0) {
        return rc;
    }
    return bind(fd, (struct sockaddr *)&ss, len) < 0 ? -errno : 0;
}

int jipc_listen(int fd, int backlog) {
    return listen(fd, backlog) < 0 ? -errno : 0;
}

static int set_int(int fd, int level, int name, int on) {
    int v = on ? 1 : 0;
    return setsockopt(fd, level, name, &v, sizeof v) < 0 ? -errno : 0;
}

int jipc_set_reuseaddr(int fd, int on) {
    return set_int(fd, SOL_SOCKET, SO_REUSEADDR, on);
}

int jipc_set_tcp_nodelay(int fd, int on) {
    return set_int(fd, IPPROTO_TCP, TCP_NODELAY, on);
}

/* accept4 hands back the connection already non-blocking and close-on-exec: one syscall instead of three. */
int jipc_accept(int fd, struct jipc_addr *peer) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c < 0) {
        return -errno;
    }
    if (peer != NULL) {
        jipc_from_sockaddr(&ss, len, peer);
    }
    return c;
}

/* Returns 0 when connected at once, 1 when in progress (wait for writability, then jipc_connect_result). */
int jipc_connect(int fd, const struct jipc_addr *addr) {
    struct sockaddr_storage ss;
    socklen_t len;
    int rc = jipc_to_sockaddr(addr, &ss, &len);
    if (rc < 0) {
        return rc;
    }
    if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
        return 0;
    }
    return errno == EINPROGRESS ? 1 : -errno;
}

int jipc_connect_result(int fd) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
        return -errno;
    }
    return -err;
}

int jipc_local_addr(int fd, struct jipc_addr *out) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (out == NULL) {
        return -EINVAL;
    }
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        return -errno;
    }
    return jipc_from_sockaddr(&ss, len, out);
}

int jipc_peer_addr(int fd, struct jipc_addr *out) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (out == NULL) {
        return -EINVAL;
    }
    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
        return -errno;
    }
    return jipc_from_sockaddr(&ss, len, out);
}

/* The credentials the peer had when it connected (SO_PEERCRED, socket(7)); Unix-domain sockets only. */
int jipc_peer_cred(int fd, int32_t *uid_gid_pid) {
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (uid_gid_pid == NULL) {
        return -EINVAL;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
        return -errno;
    }
    uid_gid_pid[0] = (int32_t)cred.uid;
    uid_gid_pid[1] = (int32_t)cred.gid;
    uid_gid_pid[2] = (int32_t)cred.pid;
    return 0;
}

/* Returns the byte count, 0 at end of stream, -EAGAIN when nothing is there. */
int64_t jipc_read(int fd, void *buf, int64_t len) {
    if (buf == NULL || len < 0) {
        return -EINVAL;
    }
    ssize_t n = read(fd, buf, (size_t)len);
    return n < 0 ? -errno : n;
}

/* send with MSG_NOSIGNAL: a peer gone away gives -EPIPE instead of SIGPIPE killing the JVM. */
int64_t jipc_write(int fd, const void *buf, int64_t len) {
    if (buf == NULL || len < 0) {
        return -EINVAL;
    }
    ssize_t n = send(fd, buf, (size_t)len, MSG_NOSIGNAL);
    return n < 0 ? -errno : n;
}

/* iov is cnt struct iovec (address, length) in the caller's memory; sendmsg for MSG_NOSIGNAL, as above. */
int64_t jipc_writev(int fd, const void *iov, int cnt) {
    struct msghdr msg = {0};
    if (iov == NULL || cnt <= 0) {
        return -EINVAL;
    }
    msg.msg_iov = (struct iovec *)(uintptr_t)iov;
    msg.msg_iovlen = (size_t)cnt;
    ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    return n < 0 ? -errno : n;
}

/*
 * EINTR from close is not retried: on Linux the descriptor is released even then, and a retry could close a
 * descriptor another thread has just been given (close(2), "Dealing with error returns from close()").
 */
int jipc_close(int fd) {
    if (close(fd) < 0 && errno != EINTR) {
        return -errno;
    }
    return 0;
}
