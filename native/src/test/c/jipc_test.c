/*
 * Tests of libjipc's C layer, run by the build (make test) and once under valgrind (make valgrind): every exported
 * call, its success path and the error paths that return -errno.
 */
#define _GNU_SOURCE
#include "jipc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int failures;
static int checks;

#define CHECK(cond)                                                                                              \
    do {                                                                                                         \
        checks++;                                                                                                \
        if (!(cond)) {                                                                                           \
            failures++;                                                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                             \
        }                                                                                                        \
    } while (0)

#define CHECK_EQ(actual, expected)                                                                               \
    do {                                                                                                         \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                                          \
        checks++;                                                                                                \
        if (a_ != e_) {                                                                                          \
            failures++;                                                                                          \
            fprintf(stderr, "%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__, #actual, a_, e_);           \
        }                                                                                                        \
    } while (0)

static char dir[64];

static struct jipc_addr unix_addr(const char *name) {
    struct jipc_addr a;
    memset(&a, 0, sizeof a);
    a.family = JIPC_AF_UNIX;
    a.len = snprintf((char *)a.bytes, sizeof a.bytes, "%s/%s", dir, name);
    return a;
}

static struct jipc_addr loopback4(int port) {
    struct jipc_addr a;
    memset(&a, 0, sizeof a);
    a.family = JIPC_AF_INET;
    a.port = port;
    a.len = 4;
    inet_pton(AF_INET, "127.0.0.1", a.bytes);
    return a;
}

static struct jipc_addr loopback6(int port) {
    struct jipc_addr a;
    memset(&a, 0, sizeof a);
    a.family = JIPC_AF_INET6;
    a.port = port;
    a.len = 16;
    inet_pton(AF_INET6, "::1", a.bytes);
    return a;
}

static int is_nonblocking_cloexec(int fd) {
    return (fcntl(fd, F_GETFL) & O_NONBLOCK) && (fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

/* Waits (up to 5 s) until token is ready with the given bits; returns the events seen for it. */
static int wait_for(int pfd, int64_t token, int bits) {
    struct jipc_event ev[16];
    for (int round = 0; round < 50; round++) {
        int n = jipc_poll_wait(pfd, ev, 16, 100);
        for (int i = 0; i < n; i++) {
            if (ev[i].token == token && (ev[i].events & bits)) {
                return ev[i].events;
            }
        }
    }
    return 0;
}

static void test_errno_table(void) {
    int32_t table[32];
    int n = jipc_errnos(table, 32);
    CHECK(n >= 19);
    CHECK_EQ(table[0], EAGAIN);
    CHECK_EQ(table[1], EINPROGRESS);
    CHECK_EQ(table[3], ECONNREFUSED);
    CHECK_EQ(table[4], ENOENT);
    CHECK_EQ(table[13], EACCES);
    CHECK_EQ(table[15], EADDRINUSE);
    CHECK_EQ(table[18], EMFILE);
    CHECK_EQ(jipc_errnos(NULL, 1), -EINVAL);
    CHECK_EQ(jipc_abi_version(), 2);

    char buf[128];
    int len = jipc_strerror(ECONNREFUSED, buf, sizeof buf);
    CHECK(len > 0);
    CHECK_EQ(strcmp(buf, strerror(ECONNREFUSED)), 0);
    CHECK_EQ(jipc_strerror(ENOENT, buf, 0), -EINVAL);
    CHECK_EQ(jipc_strerror(ENOENT, NULL, 10), -EINVAL);
    len = jipc_strerror(ENOENT, buf, 5); /* truncated, still terminated */
    CHECK_EQ(len, 4);
    CHECK_EQ(buf[4], 0);
    CHECK_EQ(jipc_strerror(99999, buf, sizeof buf), -EINVAL);
}

/*
 * The poller and the wakeup, through the interface alone. JIPC_TEST_epoll / JIPC_TEST_kqueue (set by the Makefile)
 * mark what only one backend does: an eventfd is its own wakeup descriptor and answers EEXIST to a second ADD; a
 * kqueue wakeup handle is resolved by jipc_poll_ctl (see jipc_kqueue.c) and its drain reads nothing.
 */
static void test_poll_and_wakeup(void) {
    int pfd = jipc_poll_create();
    CHECK(pfd >= 0);
    CHECK(fcntl(pfd, F_GETFD) & FD_CLOEXEC);
    int w = jipc_wakeup_create();
    CHECK(w >= 0);
    int wf = jipc_wakeup_fd(w);
#ifdef JIPC_TEST_epoll
    CHECK(is_nonblocking_cloexec(w));
    CHECK_EQ(wf, w);
#else
    CHECK(wf >= 0);
    CHECK_EQ(jipc_wakeup_signal(w), -ENOTCONN); /* not registered with a poller yet */
    CHECK_EQ(jipc_wakeup_fd(-1), -EBADF);
#endif
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_ADD, wf, JIPC_POLL_IN, 42), 0);
#ifdef JIPC_TEST_epoll
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_ADD, wf, JIPC_POLL_IN, 42), -EEXIST);
#endif
    CHECK_EQ(jipc_poll_ctl(pfd, 7, wf, JIPC_POLL_IN, 42), -EINVAL);
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_ADD, 9999, JIPC_POLL_IN, 1), -EBADF);
    CHECK_EQ(jipc_poll_ctl(-1, JIPC_CTL_ADD, w, JIPC_POLL_IN, 1), -EBADF);

    struct jipc_event ev[4];
    CHECK_EQ(jipc_poll_wait(pfd, ev, 4, 0), 0); /* nothing ready */
    CHECK_EQ(jipc_wakeup_drain(w), 0);          /* nothing to drain */
    CHECK_EQ(jipc_wakeup_signal(w), 0);
    CHECK_EQ(jipc_wakeup_signal(w), 0);
    CHECK_EQ(jipc_poll_wait(pfd, ev, 4, 1000), 1);
    CHECK_EQ(ev[0].token, 42);
    CHECK_EQ(ev[0].events, JIPC_POLL_IN);
#ifdef JIPC_TEST_epoll
    CHECK_EQ(jipc_wakeup_drain(w), 1);
#else
    CHECK_EQ(jipc_wakeup_drain(w), 0);
#endif
    CHECK_EQ(jipc_poll_wait(pfd, ev, 4, 0), 0); /* drained: level-triggered readiness is gone */
    CHECK_EQ(jipc_wakeup_signal(w), 0);         /* and a later signal wakes it again */
    CHECK_EQ(jipc_poll_wait(pfd, ev, 4, 1000), 1);
    CHECK_EQ(ev[0].token, 42);
    jipc_wakeup_drain(w);
    CHECK_EQ(jipc_poll_wait(pfd, ev, 0, 0), -EINVAL);
    CHECK_EQ(jipc_poll_wait(pfd, NULL, 4, 0), -EINVAL);
    CHECK_EQ(jipc_poll_wait(-1, ev, 4, 0), -EBADF);
#ifdef JIPC_TEST_epoll
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_MOD, w, JIPC_POLL_IN | JIPC_POLL_OUT, 43), 0);
    CHECK_EQ(jipc_poll_wait(pfd, ev, 4, 1000), 1); /* an eventfd is writable */
    CHECK_EQ(ev[0].token, 43);
    CHECK_EQ(ev[0].events, JIPC_POLL_OUT);
#endif
#ifndef JIPC_TEST_LIBKQUEUE
    /* skipped through libkqueue: after an EV_DELETE of an EVFILT_USER knote, calls on descriptors opened later fail
       (ENOENT, EBADF); jipc never removes its wakeup, it closes it */
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_DEL, wf, 0, 0), 0);
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_DEL, wf, 0, 0), -ENOENT);
#endif
    CHECK_EQ(jipc_wakeup_signal(-1), -EBADF);
    CHECK_EQ(jipc_wakeup_drain(-1), -EBADF);
    CHECK_EQ(jipc_close(w), 0);
    CHECK_EQ(jipc_close(pfd), 0);
#ifndef JIPC_TEST_LIBKQUEUE
    /* skipped through libkqueue: it may give a closed kqueue's number to a descriptor of its own at once, which a
       second close would then close */
    CHECK_EQ(jipc_close(pfd), -EBADF);
#endif
}

/*
 * Interest in both directions reports one event per token with both bits (kqueue has a knote per direction; the
 * backend folds them), switching a direction off stops its reports, and a peer's close reads as IN.
 */
static void test_poll_interest(void) {
    int pfd = jipc_poll_create();
    int sv[2];
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct jipc_event ev[8];
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_ADD, sv[0], JIPC_POLL_IN | JIPC_POLL_OUT, 7), 0);
    CHECK_EQ(jipc_poll_wait(pfd, ev, 8, 1000), 1);
    CHECK_EQ(ev[0].token, 7);
    CHECK_EQ(ev[0].events, JIPC_POLL_OUT); /* writable, nothing to read */
    CHECK_EQ(jipc_write(sv[1], "x", 1), 1);
    CHECK_EQ(wait_for(pfd, 7, JIPC_POLL_IN), JIPC_POLL_IN | JIPC_POLL_OUT);
    CHECK_EQ(jipc_poll_wait(pfd, ev, 8, 0), 1); /* level-triggered: still both, in one event */
    CHECK_EQ(ev[0].events, JIPC_POLL_IN | JIPC_POLL_OUT);
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_MOD, sv[0], JIPC_POLL_IN, 7), 0);
    CHECK_EQ(jipc_poll_wait(pfd, ev, 8, 0), 1);
    CHECK_EQ(ev[0].token, 7);
    CHECK_EQ(ev[0].events, JIPC_POLL_IN);
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_MOD, sv[0], JIPC_POLL_IN, 8), 0); /* a new token, the same interest */
    CHECK_EQ(jipc_poll_wait(pfd, ev, 8, 0), 1);
    CHECK_EQ(ev[0].token, 8);
    char c;
    CHECK_EQ(jipc_read(sv[0], &c, 1), 1);
    CHECK_EQ(jipc_poll_wait(pfd, ev, 8, 0), 0);
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_MOD, sv[0], 0, 9), 0);
    CHECK_EQ(jipc_write(sv[1], "y", 1), 1);
    CHECK_EQ(jipc_poll_wait(pfd, ev, 8, 0), 0); /* no interest, no event */
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_MOD, sv[0], JIPC_POLL_IN, 10), 0);
    CHECK_EQ(jipc_read(sv[0], &c, 1), 1);
    CHECK_EQ(jipc_close(sv[1]), 0);
    CHECK(wait_for(pfd, 10, JIPC_POLL_IN) & JIPC_POLL_IN);
    CHECK_EQ(jipc_read(sv[0], &c, 1), 0); /* end of stream */
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_DEL, sv[0], 0, 0), 0);
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_DEL, sv[0], 0, 0), -ENOENT);
    CHECK_EQ(jipc_close(sv[0]), 0);
    CHECK_EQ(jipc_close(pfd), 0);
}

/* A connected stream pair over the given listener address; returns the listener, fills client and server. */
static int stream_pair(struct jipc_addr *addr, int pfd, int *client, int *server) {
    int l = jipc_socket(addr->family, JIPC_STREAM);
    CHECK(l >= 0);
    CHECK(is_nonblocking_cloexec(l));
    if (addr->family != JIPC_AF_UNIX) {
        CHECK_EQ(jipc_set_reuseaddr(l, 1), 0);
    }
    CHECK_EQ(jipc_bind(l, addr), 0);
    CHECK_EQ(jipc_listen(l, 16), 0);
    struct jipc_addr bound;
    CHECK_EQ(jipc_local_addr(l, &bound), 0);
    CHECK_EQ(bound.family, addr->family);
    if (addr->family != JIPC_AF_UNIX) {
        CHECK(bound.port > 0);
    } else {
        CHECK_EQ(bound.len, addr->len);
        CHECK_EQ(memcmp(bound.bytes, addr->bytes, (size_t)addr->len), 0);
    }

    struct jipc_addr peer;
    CHECK_EQ(jipc_accept(l, &peer), -EAGAIN); /* nobody connecting yet */

    int c = jipc_socket(addr->family, JIPC_STREAM);
    CHECK(c >= 0);
    int rc = jipc_connect(c, &bound);
    CHECK(rc == 0 || rc == 1);
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_ADD, l, JIPC_POLL_IN, 1), 0);
    CHECK(wait_for(pfd, 1, JIPC_POLL_IN) & JIPC_POLL_IN);
    int s = jipc_accept(l, &peer);
    CHECK(s >= 0);
    CHECK(is_nonblocking_cloexec(s));
    CHECK_EQ(peer.family, addr->family);
    if (rc == 1) {
        CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_ADD, c, JIPC_POLL_OUT, 2), 0);
        CHECK(wait_for(pfd, 2, JIPC_POLL_OUT) & JIPC_POLL_OUT);
        CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_DEL, c, 0, 0), 0);
    }
    CHECK_EQ(jipc_connect_result(c), 0);
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_DEL, l, 0, 0), 0);
    *client = c;
    *server = s;
    return l;
}

static void exchange(int pfd, int c, int s) {
    char buf[64];
    CHECK_EQ(jipc_read(s, buf, sizeof buf), -EAGAIN);
    CHECK_EQ(jipc_write(c, "hello", 5), 5);
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_ADD, s, JIPC_POLL_IN, 3), 0);
    CHECK(wait_for(pfd, 3, JIPC_POLL_IN));
    CHECK_EQ(jipc_read(s, buf, sizeof buf), 5);
    CHECK_EQ(memcmp(buf, "hello", 5), 0);

    struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
    CHECK_EQ(jipc_writev(c, iov, 3), 5);
    CHECK(wait_for(pfd, 3, JIPC_POLL_IN));
    CHECK_EQ(jipc_read(s, buf, sizeof buf), 5);
    CHECK_EQ(memcmp(buf, "abcde", 5), 0);
    CHECK_EQ(jipc_writev(c, NULL, 1), -EINVAL);
    CHECK_EQ(jipc_writev(c, iov, 0), -EINVAL);
    CHECK_EQ(jipc_writev(-1, iov, 3), -EBADF);
    CHECK_EQ(jipc_read(c, NULL, 4), -EINVAL);
    CHECK_EQ(jipc_read(c, buf, -1), -EINVAL);
    CHECK_EQ(jipc_write(c, NULL, 4), -EINVAL);
    CHECK_EQ(jipc_write(c, buf, -1), -EINVAL);
    CHECK_EQ(jipc_read(-1, buf, 4), -EBADF);
    CHECK_EQ(jipc_write(-1, buf, 4), -EBADF);

    /* fill the send buffer: writes end in -EAGAIN, never block */
    static char big[65536];
    int64_t n;
    long total = 0;
    while ((n = jipc_write(c, big, sizeof big)) > 0) {
        total += n;
    }
    CHECK_EQ(n, -EAGAIN);
    CHECK(total > 0);
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_DEL, s, 0, 0), 0);

    /* orderly close: EOF (0) on the other side once the buffered bytes are read; then writes fail with EPIPE */
    CHECK_EQ(jipc_close(c), 0);
    while ((n = jipc_read(s, big, sizeof big)) > 0) {
    }
    CHECK_EQ(n, 0);
    n = jipc_write(s, "x", 1);
    CHECK(n == -EPIPE || n == -ECONNRESET || n == 1);
    if (n == 1) { /* TCP: the first write after the peer's close may still succeed; the RST makes the next fail */
        usleep(50000);
        n = jipc_write(s, "x", 1);
        CHECK(n == -EPIPE || n == -ECONNRESET);
    }
    CHECK_EQ(jipc_close(s), 0);
}

static void test_unix_stream(void) {
    int pfd = jipc_poll_create();
    struct jipc_addr addr = unix_addr("s.sock");
    int c, s;
    int l = stream_pair(&addr, pfd, &c, &s);

    int32_t cred[3] = {-1, -1, -1};
    CHECK_EQ(jipc_peer_cred(s, cred), 0);
    CHECK_EQ(cred[0], getuid());
    CHECK_EQ(cred[1], getgid());
    CHECK_EQ(cred[2], getpid());
    CHECK_EQ(jipc_peer_cred(s, NULL), -EINVAL);
    CHECK_EQ(jipc_peer_cred(-1, cred), -EBADF);
    struct jipc_addr peer;
    CHECK_EQ(jipc_peer_addr(c, &peer), 0);
    CHECK_EQ(peer.family, JIPC_AF_UNIX);
    CHECK_EQ(jipc_peer_addr(c, NULL), -EINVAL);
    CHECK_EQ(jipc_local_addr(c, NULL), -EINVAL);
    CHECK_EQ(jipc_peer_addr(l, &peer), -ENOTCONN);
    CHECK_EQ(jipc_local_addr(-1, &peer), -EBADF);
    exchange(pfd, c, s);

    /* binding the same path again: in use */
    int l2 = jipc_socket(JIPC_AF_UNIX, JIPC_STREAM);
    CHECK_EQ(jipc_bind(l2, &addr), -EADDRINUSE);
    CHECK_EQ(jipc_close(l2), 0);
    CHECK_EQ(jipc_close(l), 0);

    /* the file is still there but nobody listens: refused; no file at all: ENOENT */
    int c2 = jipc_socket(JIPC_AF_UNIX, JIPC_STREAM);
    CHECK_EQ(jipc_connect(c2, &addr), -ECONNREFUSED);
    unlink((char *)addr.bytes);
    CHECK_EQ(jipc_connect(c2, &addr), -ENOENT);
    struct jipc_addr missing = unix_addr("no/such/dir.sock");
    CHECK_EQ(jipc_bind(c2, &missing), -ENOENT);
    struct jipc_addr bad = addr;
    bad.len = 0;
    CHECK_EQ(jipc_connect(c2, &bad), -EINVAL);
    bad.len = 200;
    CHECK_EQ(jipc_connect(c2, &bad), -ENAMETOOLONG);
    bad.len = 108; /* a pathname of 108 bytes leaves no room for its NUL */
    memset(bad.bytes, 'x', 108);
    CHECK_EQ(jipc_connect(c2, &bad), -ENAMETOOLONG);
    CHECK_EQ(jipc_connect(c2, NULL), -EINVAL);
    CHECK_EQ(jipc_close(c2), 0);

    /* a listener on a read-only directory: EACCES (root ignores mode bits, so only checked for other users) */
    if (geteuid() != 0) {
        char ro[96];
        snprintf(ro, sizeof ro, "%s/ro", dir);
        mkdir(ro, 0500);
        struct jipc_addr in_ro = unix_addr("ro/x.sock");
        int l3 = jipc_socket(JIPC_AF_UNIX, JIPC_STREAM);
        CHECK_EQ(jipc_bind(l3, &in_ro), -EACCES);
        jipc_close(l3);
        rmdir(ro);
    }

    /* abstract namespace: a name starting with a NUL byte, no file */
    struct jipc_addr abs;
    memset(&abs, 0, sizeof abs);
    abs.family = JIPC_AF_UNIX;
    abs.len = 1 + snprintf((char *)abs.bytes + 1, sizeof abs.bytes - 1, "jipc-test-%d", (int)getpid());
    l = stream_pair(&abs, pfd, &c, &s);
    CHECK_EQ(jipc_peer_cred(s, cred), 0);
    exchange(pfd, c, s);
    CHECK_EQ(jipc_close(l), 0);
    CHECK_EQ(jipc_close(pfd), 0);
}

static void test_tcp(struct jipc_addr addr) {
    int pfd = jipc_poll_create();
    int c, s;
    int l = stream_pair(&addr, pfd, &c, &s);
    CHECK_EQ(jipc_set_tcp_nodelay(c, 1), 0);
    CHECK_EQ(jipc_set_tcp_nodelay(s, 1), 0);
    /* Linux answers SO_PEERCRED on TCP too, with no process behind it (pid 0): the Java side asks on Unix only */
    int32_t cred[3] = {1, 1, 1};
    CHECK_EQ(jipc_peer_cred(s, cred), 0);
    CHECK_EQ(cred[2], 0);
    struct jipc_addr bound;
    jipc_local_addr(l, &bound);
    exchange(pfd, c, s);

    /* the port in use without SO_REUSEADDR semantics helping: EADDRINUSE */
    int l2 = jipc_socket(addr.family, JIPC_STREAM);
    CHECK_EQ(jipc_bind(l2, &bound), -EADDRINUSE);
    jipc_close(l2);
    CHECK_EQ(jipc_close(l), 0);

    /* nobody listens on the port any more: refused, reported once the connect completes */
    c = jipc_socket(addr.family, JIPC_STREAM);
    int rc = jipc_connect(c, &bound);
    if (rc == 1) {
        CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_ADD, c, JIPC_POLL_OUT, 9), 0);
        CHECK(wait_for(pfd, 9, JIPC_POLL_OUT | JIPC_POLL_ERR | JIPC_POLL_HUP));
        rc = jipc_connect_result(c);
    }
#ifdef JIPC_TEST_LIBKQUEUE
    /* libkqueue reads SO_ERROR to fill the event's fflags, which clears it: the refusal is reported as the event's
       JIPC_POLL_ERR, and jipc_connect_result then finds no error (a real kqueue leaves SO_ERROR in place) */
    if (rc != 0)
#endif
    CHECK_EQ(rc, -ECONNREFUSED);
    CHECK_EQ(jipc_connect_result(-1), -EBADF);
    CHECK_EQ(jipc_set_tcp_nodelay(-1, 1), -EBADF);
    CHECK_EQ(jipc_set_reuseaddr(-1, 1), -EBADF);
    CHECK_EQ(jipc_listen(-1, 1), -EBADF);
    CHECK_EQ(jipc_accept(-1, NULL), -EBADF);
    struct jipc_addr bad = addr;
    bad.port = 70000;
    CHECK_EQ(jipc_bind(c, &bad), -EINVAL);
    bad = addr;
    bad.len = 3;
    CHECK_EQ(jipc_bind(c, &bad), -EINVAL);
    bad.family = 77;
    CHECK_EQ(jipc_bind(c, &bad), -EAFNOSUPPORT);
    CHECK_EQ(jipc_close(c), 0);
    CHECK_EQ(jipc_close(pfd), 0);
}

static void test_socket_errors(void) {
    CHECK_EQ(jipc_socket(99, JIPC_STREAM), -EAFNOSUPPORT);
    CHECK_EQ(jipc_socket(JIPC_AF_INET, 99), -EINVAL);
    int l = jipc_socket(JIPC_AF_UNIX, JIPC_DGRAM);
    CHECK(l >= 0);
    CHECK_EQ(jipc_listen(l, 1), -EOPNOTSUPP);
    CHECK_EQ(jipc_close(l), 0);
}

static void test_udp(struct jipc_addr any) {
    enum { SLOT = 2048, N = 8 };
    static char data[SLOT * N];
    struct jipc_addr from[N];
    int32_t lens[N];

    int a = jipc_socket(any.family, JIPC_DGRAM);
    int b = jipc_socket(any.family, JIPC_DGRAM);
    CHECK(a >= 0 && b >= 0);
    CHECK(is_nonblocking_cloexec(a));
    CHECK_EQ(jipc_bind(a, &any), 0);
    CHECK_EQ(jipc_bind(b, &any), 0);
    struct jipc_addr to[3];
    jipc_local_addr(a, &to[0]);
    to[1] = to[0];
    to[2] = to[0];
    struct jipc_addr bfrom;
    jipc_local_addr(b, &bfrom);

    CHECK_EQ(jipc_recvmmsg(a, data, SLOT, from, lens, N), -EAGAIN);
    int32_t out_lens[3] = {3, 0, 5};
    CHECK_EQ(jipc_sendmmsg(b, "onetwo!", out_lens, to, 3), 3);
    int pfd = jipc_poll_create();
    CHECK_EQ(jipc_poll_ctl(pfd, JIPC_CTL_ADD, a, JIPC_POLL_IN, 5), 0);
    CHECK(wait_for(pfd, 5, JIPC_POLL_IN));
    int got = 0;
    for (int round = 0; round < 50 && got < 3; round++) {
        int n = jipc_recvmmsg(a, data + got * SLOT, SLOT, from + got, lens + got, N - got);
        if (n == -EAGAIN) {
            usleep(10000);
            continue;
        }
        CHECK(n > 0);
        got += n;
    }
    CHECK_EQ(got, 3);
    CHECK_EQ(lens[0], 3);
    CHECK_EQ(memcmp(data, "one", 3), 0);
    CHECK_EQ(lens[1], 0);
    CHECK_EQ(lens[2], 5);
    CHECK_EQ(memcmp(data + 2 * SLOT, "two!", 4), 0);
    CHECK_EQ(from[0].family, any.family);
    CHECK_EQ(from[0].port, bfrom.port);

    /* a datagram longer than its slot: cut, reported as -EMSGSIZE */
    static char big[4000];
    int32_t big_len[1] = {sizeof big};
    CHECK_EQ(jipc_sendmmsg(b, big, big_len, to, 1), 1);
    CHECK(wait_for(pfd, 5, JIPC_POLL_IN));
    CHECK_EQ(jipc_recvmmsg(a, data, SLOT, from, lens, N), 1);
    CHECK_EQ(lens[0], -EMSGSIZE);

    /* a bad second address: the first goes, the call reports one; the bad one then fails alone */
    struct jipc_addr mixed[2] = {to[0], to[0]};
    mixed[1].family = 77;
    int32_t two[2] = {1, 1};
    CHECK_EQ(jipc_sendmmsg(b, "xy", two, mixed, 2), 1);
    CHECK_EQ(jipc_sendmmsg(b, "y", two, mixed + 1, 1), -EAFNOSUPPORT);
    int32_t neg[1] = {-1};
    CHECK_EQ(jipc_sendmmsg(b, "y", neg, to, 1), -EINVAL);
    CHECK_EQ(jipc_sendmmsg(b, NULL, two, to, 1), -EINVAL);
    CHECK_EQ(jipc_sendmmsg(b, "y", two, to, 0), -EINVAL);
    CHECK_EQ(jipc_sendmmsg(-1, "y", two, to, 1), -EBADF);
    CHECK_EQ(jipc_recvmmsg(a, NULL, SLOT, from, lens, N), -EINVAL);
    CHECK_EQ(jipc_recvmmsg(a, data, 0, from, lens, N), -EINVAL);
    CHECK_EQ(jipc_recvmmsg(-1, data, SLOT, from, lens, N), -EBADF);
    /* larger than any datagram may be */
    static char huge[70000];
    int32_t huge_len[1] = {sizeof huge};
    CHECK_EQ(jipc_sendmmsg(b, huge, huge_len, to, 1), -EMSGSIZE);
    CHECK_EQ(jipc_bind(b, &any), -EINVAL); /* already bound */

    CHECK_EQ(jipc_close(a), 0);
    CHECK_EQ(jipc_close(b), 0);
    CHECK_EQ(jipc_close(pfd), 0);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/jipc-ctest-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    test_errno_table();
    test_poll_and_wakeup();
    test_poll_interest();
    test_socket_errors();
    test_unix_stream();
    test_tcp(loopback4(0));
    test_tcp(loopback6(0));
    test_udp(loopback4(0));
    test_udp(loopback6(0));
    rmdir(dir);
    printf("jipc C tests: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
