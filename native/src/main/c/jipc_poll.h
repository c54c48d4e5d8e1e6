/*
 * The poll backend interface. Exactly one backend file is compiled per library (the Makefile's BACKEND):
 * jipc_epoll.c on Linux, jipc_kqueue.c on macOS (and for the tests, on Linux through libkqueue). Both write the
 * same jipc_event layout, one entry per ready token, level-triggered.
 *
 *   jipc_poll_create   a poller fd
 *   jipc_poll_ctl      add / modify / delete an fd with JIPC_POLL_IN|OUT interest and a 64-bit token
 *   jipc_poll_wait     blocks up to timeout_ms (-1: forever), writes every ready (token, events) pair
 *   jipc_wakeup_*      a handle another thread signals to end a wait; jipc_wakeup_fd gives the value to pass to
 *                      jipc_poll_ctl for it (the eventfd itself for epoll, a tagged handle for kqueue)
 */
#ifndef JIPC_POLL_H
#define JIPC_POLL_H

#include "jipc.h"

#endif
