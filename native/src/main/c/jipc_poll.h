/*
 * The poll backend interface. Exactly one backend file is compiled per platform: jipc_epoll.c on Linux. A kqueue
 * backend (macOS/BSD) would be jipc_kqueue.c implementing the same functions; it is not written because nothing on
 * the build machine (Debian: no kqueue headers) could compile or run it.
 *
 *   jipc_poll_create   a poller fd
 *   jipc_poll_ctl      add / modify / delete an fd with JIPC_POLL_IN|OUT interest and a 64-bit token
 *   jipc_poll_wait     blocks up to timeout_ms (-1: forever), writes every ready (token, events) pair
 *   jipc_wakeup_*      a handle another thread signals to end a wait
 */
#ifndef JIPC_POLL_H
#define JIPC_POLL_H

#include "jipc.h"

#endif
