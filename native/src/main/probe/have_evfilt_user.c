/* EVFILT_USER: a kqueue event another thread triggers (macOS, FreeBSD, NetBSD 10, libkqueue) */
#include <sys/types.h>
#include <sys/event.h>
#include <stddef.h>
int probe(int kq) {
    struct kevent ev;
    EV_SET(&ev, 0, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
    return kevent(kq, &ev, 1, NULL, 0, NULL);
}
