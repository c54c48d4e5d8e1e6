/*
 * Linux poll backend: epoll for readiness, eventfd for the wakeup.
 *
 * Level-triggered, not edge-triggered: the Java loop reads a bounded number of times per turn (so one busy peer
 * cannot starve the others) and leaves the rest for the next wait, which only level-triggered mode reports again.
 * Interest in writability is switched on only while a write is blocked (JIPC_CTL_MOD), as with NIO's OP_WRITE.
 * See epoll(7), "Level-triggered and edge-triggered".
 */
#define _GNU_SOURCE
#include "jipc_poll.h"

#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static uint32_t to_epoll(int events) {
    uint32_t e = 0;
    if (events & JIPC_POLL_IN) {
        e |= EPOLLIN | EPOLLRDHUP;
    }
    if (events & JIPC_POLL_OUT) {
        e |= EPOLLOUT;
    }
    return e;
}

static int from_epoll(uint32_t e) {
    int events = 0;
    if (e & (EPOLLIN | EPOLLRDHUP)) {
        events |= JIPC_POLL_IN;
    }
    if (e & EPOLLOUT) {
        events |= JIPC_POLL_OUT;
    }
    if (e & EPOLLERR) {
        events |= JIPC_POLL_ERR;
    }
    if (e & EPOLLHUP) {
        events |= JIPC_POLL_HUP;
    }
    return events;
}

int jipc_poll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int jipc_poll_ctl(int pfd, int op, int fd, int events, int64_t token) {
    struct epoll_event ev = {0};
    int eop;
    switch (op) {
    case JIPC_CTL_ADD:
        eop = EPOLL_CTL_ADD;
        break;
    case JIPC_CTL_MOD:
        eop = EPOLL_CTL_MOD;
        break;
    case JIPC_CTL_DEL:
        eop = EPOLL_CTL_DEL;
        break;
    default:
        return -EINVAL;
    }
    ev.events = to_epoll(events);
    ev.data.u64 = (uint64_t)token;
    return epoll_ctl(pfd, eop, fd, &ev) < 0 ? -errno : 0;
}

/*
 * struct epoll_event is packed on x86_64 and not elsewhere, so it cannot be the caller's layout: wait into a stack
 * array of at most WAIT_BATCH events and copy them out as struct jipc_event. EINTR is returned as such: the caller
 * simply waits again (it recomputes its timer deadline anyway).
 */
#define WAIT_BATCH 256

int jipc_poll_wait(int pfd, struct jipc_event *events, int max, int timeout_ms) {
    struct epoll_event ready[WAIT_BATCH];
    if (events == NULL || max <= 0) {
        return -EINVAL;
    }
    if (max > WAIT_BATCH) {
        max = WAIT_BATCH;
    }
    int n = epoll_wait(pfd, ready, max, timeout_ms);
    if (n < 0) {
        return -errno;
    }
    for (int i = 0; i < n; i++) {
        events[i].token = (int64_t)ready[i].data.u64;
        events[i].events = from_epoll(ready[i].events);
        events[i].reserved = 0;
    }
    return n;
}

int jipc_wakeup_create(void) {
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

int jipc_wakeup_fd(int wfd) {
    return wfd;
}

int jipc_wakeup_signal(int wfd) {
    uint64_t one = 1;
    ssize_t n = write(wfd, &one, sizeof one);
    /* EAGAIN: the counter is saturated, so a wakeup is already pending; that is success for the caller */
    if (n < 0 && errno != EAGAIN) {
        return -errno;
    }
    return 0;
}

int jipc_wakeup_drain(int wfd) {
    uint64_t count;
    ssize_t n = read(wfd, &count, sizeof count);
    if (n < 0) {
        return errno == EAGAIN ? 0 : -errno;
    }
    return 1;
}
