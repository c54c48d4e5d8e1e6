/*
 * kqueue poll backend (macOS, the BSDs; on Linux through libkqueue, for the tests): kevent for readiness,
 * EVFILT_USER for the wakeup.
 *
 * An fd is one knote per wanted direction, EVFILT_READ and EVFILT_WRITE, with the token as udata. CTL_ADD adds the
 * wanted ones in one kevent call; CTL_DEL deletes both, one call each (a knote that is not there is no error, so
 * no memory of the interest is kept); CTL_MOD is a CTL_DEL then a CTL_ADD. Three calls where one would do on BSD
 * (EV_ADD of an existing knote modifies it), but libkqueue fails that modification while the fd's other knote
 * exists, and misreports EV_RECEIPT results; Java changes interest only when a write blocks or unblocks, and
 * level-triggered knotes re-added report the readiness that is still there. Level-triggered (no EV_CLEAR), like
 * the epoll backend and for the same reason (the Java loop leaves unread bytes for the next wait). jipc_poll_wait
 * folds the two knotes of one fd back into one jipc_event, so the caller sees the epoll backend's layout: one entry
 * per token.
 *
 * The wakeup. The ABI hands Java one wakeup handle that it registers with jipc_poll_ctl(pfd, ADD,
 * jipc_wakeup_fd(w), IN, token) and later closes with jipc_close(w). EVFILT_USER lives in the kqueue that waits, so
 * the handle must find the poller and the token: the handle w is a small private kqueue with two EVFILT_USER knotes,
 * always triggered, whose udata hold the poller's descriptor (POLLER_SLOT) and the token (TOKEN_SLOT), written when
 * the handle is registered. jipc_wakeup_fd(w) is w with WAKEUP_TAG set, which no descriptor has, so jipc_poll_ctl
 * knows the registration is a wakeup without a system call; it then adds an EVFILT_USER knote (ident w, EV_CLEAR,
 * udata the token) to the poller. jipc_wakeup_signal reads both slots from w and triggers that knote (repeating the
 * token: a trigger also sets udata); EV_CLEAR resets it when jipc_poll_wait returns it, so jipc_wakeup_drain has
 * nothing to do. A pipe (two descriptors) cannot be that one handle without the C layer remembering the pair; every
 * kqueue system jipc builds for has EVFILT_USER (macOS 10.6+, FreeBSD 8.1+, NetBSD 10, libkqueue), so without it
 * the build stops with an error instead.
 */
#include "jipc_config.h"
#include "jipc_poll.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/event.h>
#include <time.h> /* struct timespec (C11) */
#include <unistd.h>

#ifndef HAVE_EVFILT_USER
#error "jipc_kqueue.c needs EVFILT_USER for its wakeup (see the comment at the top)"
#endif

_Static_assert(sizeof(void *) >= sizeof(int64_t), "a token must fit a kevent's udata");

/* Set in jipc_wakeup_fd's result: marks a wakeup handle for jipc_poll_ctl (descriptors are far below 2^30). */
#define WAKEUP_TAG 0x40000000
/* The idents of the knotes in a wakeup handle that hold its poller's descriptor and its token. */
#define POLLER_SLOT 1
#define TOKEN_SLOT 2

static void *udata_of(int64_t token) {
    return (void *)(intptr_t)token;
}

static int64_t token_of(const struct kevent *ev) {
    return (int64_t)(intptr_t)ev->udata;
}

/* Applies n changes; returns 0 or -errno (kevent with no event list reports a failed change that way). */
static int apply(int kq, const struct kevent *changes, int n) {
    return kevent(kq, changes, n, NULL, 0, NULL) < 0 ? -errno : 0;
}

/* Removes one knote; 1 when it was not there (not an error: no memory of the interest is kept), 0, or -errno. */
static int remove_knote(int kq, int fd, short filter) {
    struct kevent ev;
    EV_SET(&ev, (uintptr_t)fd, filter, EV_DELETE, 0, 0, NULL);
    int rc = apply(kq, &ev, 1);
    return rc == -ENOENT ? 1 : rc;
}

static int new_kqueue(void) {
    int kq = kqueue();
    if (kq < 0) {
        return -errno;
    }
    /* kqueues are not inherited by fork; close-on-exec matters only where they are plain descriptors (libkqueue) */
    if (fcntl(kq, F_SETFD, FD_CLOEXEC) < 0) {
        int err = errno;
        close(kq);
        return -err;
    }
    return kq;
}

int jipc_poll_create(void) {
    return new_kqueue();
}

/* A change that sets the slot ident of a wakeup handle (an EVFILT_USER knote, kept triggered) to value. */
static void set_slot(struct kevent *ev, int ident, int64_t value) {
    EV_SET(ev, (uintptr_t)ident, EVFILT_USER, 0, NOTE_TRIGGER, 0, udata_of(value));
}

/* Registers or removes a wakeup handle w (see the top): a knote in the poller, the poller and token in w. */
static int ctl_wakeup(int pfd, int op, int w, int64_t token) {
    struct kevent ev[2];
    int rc;
    if (op == JIPC_CTL_DEL) {
        EV_SET(&ev[0], (uintptr_t)w, EVFILT_USER, EV_DELETE, 0, 0, NULL);
        if ((rc = apply(pfd, ev, 1)) < 0) {
            return rc;
        }
        set_slot(&ev[0], POLLER_SLOT, -1);
        return apply(w, ev, 1);
    }
    EV_SET(&ev[0], (uintptr_t)w, EVFILT_USER, EV_ADD | EV_ENABLE | EV_CLEAR, 0, 0, udata_of(token));
    if ((rc = apply(pfd, ev, 1)) < 0) {
        return rc;
    }
    set_slot(&ev[0], POLLER_SLOT, pfd);
    set_slot(&ev[1], TOKEN_SLOT, token);
    return apply(w, ev, 2);
}

int jipc_poll_ctl(int pfd, int op, int fd, int events, int64_t token) {
    struct kevent ev[2];
    int n = 0;
    if (op != JIPC_CTL_ADD && op != JIPC_CTL_MOD && op != JIPC_CTL_DEL) {
        return -EINVAL;
    }
    if (pfd < 0) {
        return -EBADF; /* said here: libkqueue's kevent(-1) answers ENOENT and disturbs its later calls */
    }
    if (fd >= 0 && (fd & WAKEUP_TAG) != 0) {
        return ctl_wakeup(pfd, op, fd & ~WAKEUP_TAG, token);
    }
    if (op != JIPC_CTL_ADD) {
        /* either knote may be absent; for CTL_DEL not both: the fd was not registered (epoll's ENOENT too). A
           CTL_MOD to no interest leaves no knote, so for CTL_MOD both may be. */
        int r = remove_knote(pfd, fd, EVFILT_READ);
        int w = r < 0 ? 0 : remove_knote(pfd, fd, EVFILT_WRITE);
        int rc = r < 0 ? r : w < 0 ? w : r + w == 2 && op == JIPC_CTL_DEL ? -ENOENT : 0;
        if (op == JIPC_CTL_DEL || rc < 0) {
            return rc;
        }
    }
    if (events & JIPC_POLL_IN) {
        EV_SET(&ev[n++], (uintptr_t)fd, EVFILT_READ, EV_ADD | EV_ENABLE, 0, 0, udata_of(token));
    }
    if (events & JIPC_POLL_OUT) {
        EV_SET(&ev[n++], (uintptr_t)fd, EVFILT_WRITE, EV_ADD | EV_ENABLE, 0, 0, udata_of(token));
    }
    return n == 0 ? 0 : apply(pfd, ev, n);
}

/*
 * The jipc_event bits of one knote. EV_EOF on the read side is the peer's shutdown, which the epoll backend reports
 * as readable (EPOLLRDHUP): the read then returns 0. EV_EOF on the write side means nothing more can be sent: HUP,
 * with OUT so a blocked writer or a pending connect looks now and meets the error. A socket error in fflags is ERR.
 */
static int events_of(const struct kevent *ev) {
    int events = 0;
    if (ev->filter == EVFILT_READ || ev->filter == EVFILT_USER) {
        events |= JIPC_POLL_IN;
    } else if (ev->filter == EVFILT_WRITE) {
        events |= JIPC_POLL_OUT;
        if (ev->flags & EV_EOF) {
            events |= JIPC_POLL_HUP;
        }
    }
    if ((ev->flags & EV_ERROR) || ((ev->flags & EV_EOF) && ev->fflags != 0)) {
        events |= JIPC_POLL_ERR;
    }
    return events;
}

/* At most this many knotes per wait (two per fd at most, folded into one event each). */
#define WAIT_BATCH 256

int jipc_poll_wait(int pfd, struct jipc_event *events, int max, int timeout_ms) {
    struct kevent ready[WAIT_BATCH];
    struct timespec ts;
    if (events == NULL || max <= 0) {
        return -EINVAL;
    }
    if (pfd < 0) {
        return -EBADF; /* as in jipc_poll_ctl */
    }
    if (max > WAIT_BATCH) {
        max = WAIT_BATCH;
    }
    if (timeout_ms >= 0) {
        ts.tv_sec = timeout_ms / 1000;
        ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
    }
    int n = kevent(pfd, NULL, 0, ready, max, timeout_ms >= 0 ? &ts : NULL);
    if (n < 0) {
        return -errno;
    }
    int out = 0;
    for (int i = 0; i < n; i++) {
        int64_t token = token_of(&ready[i]);
        int bits = events_of(&ready[i]);
        int j = 0;
        /* a fd's two knotes share a token; the loop is short (at most max entries) and has no system call */
        while (j < out && events[j].token != token) {
            j++;
        }
        if (j == out) {
            events[out].token = token;
            events[out].events = 0;
            events[out].reserved = 0;
            out++;
        }
        events[j].events |= bits;
    }
    return out;
}

int jipc_wakeup_create(void) {
    struct kevent ev[4];
    int w = new_kqueue();
    if (w < 0) {
        return w;
    }
    if (w & WAKEUP_TAG) {
        close(w);
        return -EMFILE;
    }
    /* both slots, -1 until registered; added, then triggered (a trigger in the adding change is not honoured
       everywhere), so that a zero-timeout kevent always returns them */
    EV_SET(&ev[0], POLLER_SLOT, EVFILT_USER, EV_ADD | EV_ENABLE, 0, 0, udata_of(-1));
    EV_SET(&ev[1], TOKEN_SLOT, EVFILT_USER, EV_ADD | EV_ENABLE, 0, 0, udata_of(-1));
    set_slot(&ev[2], POLLER_SLOT, -1);
    set_slot(&ev[3], TOKEN_SLOT, -1);
    int rc = apply(w, ev, 4);
    if (rc < 0) {
        close(w);
        return rc;
    }
    return w;
}

int jipc_wakeup_fd(int wfd) {
    return wfd < 0 ? -EBADF : wfd | WAKEUP_TAG;
}

int jipc_wakeup_signal(int wfd) {
    static const struct timespec zero = {0, 0};
    struct kevent slots[2];
    int64_t pfd = -1, token = 0;
    if (wfd < 0) {
        return -EBADF; /* as in jipc_poll_ctl */
    }
    int n = kevent(wfd, NULL, 0, slots, 2, &zero);
    if (n < 0) {
        return -errno;
    }
    for (int i = 0; i < n; i++) {
        if (slots[i].filter == EVFILT_USER && slots[i].ident == POLLER_SLOT) {
            pfd = token_of(&slots[i]);
        } else if (slots[i].filter == EVFILT_USER && slots[i].ident == TOKEN_SLOT) {
            token = token_of(&slots[i]);
        }
    }
    if (pfd < 0) {
        return -ENOTCONN; /* not registered with a poller (or not a wakeup handle) */
    }
    /* triggering an already triggered knote changes nothing: a wakeup is pending, as with a saturated eventfd */
    EV_SET(&slots[0], (uintptr_t)wfd, EVFILT_USER, 0, NOTE_TRIGGER, 0, udata_of(token));
    return apply((int)pfd, slots, 1);
}

/* Nothing to read, so no system call: the poller's knote is EV_CLEAR, reset when jipc_poll_wait returned it. */
int jipc_wakeup_drain(int wfd) {
    return wfd < 0 ? -EBADF : 0;
}
