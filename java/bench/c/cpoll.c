// cpoll.c - the C ping-pong of ../shared/bench/c/cbench.c (Unix socket, two processes, 64-byte echo), with the
// waiting done the way an event loop does it, to tell what an event loop costs from what Java costs.
//
//   ./cpoll read  [iters=100000] [warmup=20000] [size=64]   blocking read() on the socket (cbench's way)
//   ./cpoll epoll [iters] [warmup] [size]                   non-blocking socket, epoll_wait(-1) then read()
//   ./cpoll busy  [iters] [warmup] [size] [spin_us=50]      epoll_wait(0) in a loop for up to spin_us, then block
//
// Both processes wait the same way. Per-RTT times via CLOCK_MONOTONIC; prints one line in cbench's format:
//   C pingpong-<mode> uds size=64 iters=100000: median=.. us p99=.. us p99.9=.. us mean=.. us rt/s=..
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum mode { MODE_READ, MODE_EPOLL, MODE_BUSY };

static enum mode mode;
static double spin_ns;

static void die(const char *m) { perror(m); exit(1); }

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

// Waits until the socket is readable, as the chosen mode does (nothing to do for MODE_READ: read blocks).
static void wait_readable(int ep) {
  struct epoll_event ev[4];
  int n = 0;
  if (mode == MODE_BUSY) {
    double end = now_ns() + spin_ns;
    while ((n = epoll_wait(ep, ev, 4, 0)) == 0 && now_ns() < end) {
    }
  }
  while (n == 0) {
    n = epoll_wait(ep, ev, 4, -1);
  }
  if (n < 0 && errno != EINTR) die("epoll_wait");
}

// Reads exactly sz bytes.
static void read_msg(int fd, int ep, char *buf, int sz) {
  int got = 0;
  while (got < sz) {
    if (mode != MODE_READ) wait_readable(ep);
    ssize_t r = read(fd, buf + got, sz - got);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (r <= 0) die("read");
    got += r;
  }
}

static void write_msg(int fd, const char *buf, int sz) {
  int put = 0;
  while (put < sz) {
    ssize_t r = write(fd, buf + put, sz - put);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;  // 64 bytes never fill a socket buffer here
    if (r <= 0) die("write");
    put += r;
  }
}

// Prepares the socket for the mode: non-blocking and registered with a new epoll set, unless MODE_READ.
static int setup(int fd) {
  if (mode == MODE_READ) return -1;
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) die("fcntl");
  struct epoll_event e = {.events = EPOLLIN, .data.fd = fd};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0) die("epoll_ctl");
  return ep;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s read|epoll|busy [iters=100000] [warmup=20000] [size=64] [spin_us=50]\n", argv[0]);
    return 2;
  }
  if (!strcmp(argv[1], "read")) mode = MODE_READ;
  else if (!strcmp(argv[1], "epoll")) mode = MODE_EPOLL;
  else if (!strcmp(argv[1], "busy")) mode = MODE_BUSY;
  else { fprintf(stderr, "unknown mode %s\n", argv[1]); return 2; }
  long iters = argc > 2 ? atol(argv[2]) : 100000;
  long warm = argc > 3 ? atol(argv[3]) : 20000;
  int sz = argc > 4 ? atoi(argv[4]) : 64;
  spin_ns = (argc > 5 ? atof(argv[5]) : 50) * 1e3;
  if (iters < 1 || warm < 0 || sz < 1 || sz > 65536) { fprintf(stderr, "bad arguments\n"); return 2; }

  char path[108];
  snprintf(path, sizeof path, "/tmp/cpoll.%d.sock", (int)getpid());
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, path);
  unlink(path);
  int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (lfd < 0) die("socket");
  if (bind(lfd, (void *)&a, sizeof a) || listen(lfd, 4)) die("bind/listen");
  long total = iters + warm;
  static char buf[65536];
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {  // server: echo
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) die("accept");
    int ep = setup(fd);
    for (long i = 0; i < total; i++) {
      read_msg(fd, ep, buf, sz);
      write_msg(fd, buf, sz);
    }
    _exit(0);
  }
  close(lfd);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (void *)&a, sizeof a)) die("connect");
  int ep = setup(fd);
  memset(buf, 'x', sz);
  double *rtt = malloc(sizeof(double) * iters);
  if (!rtt) die("malloc");
  double t0 = 0;
  for (long i = 0; i < total; i++) {
    if (i == warm) t0 = now_ns();
    double s = now_ns();
    write_msg(fd, buf, sz);
    read_msg(fd, ep, buf, sz);
    if (i >= warm) rtt[i - warm] = now_ns() - s;
  }
  double el = now_ns() - t0;
  waitpid(pid, NULL, 0);
  unlink(path);
  qsort(rtt, iters, sizeof(double), cmp_d);
  printf("C pingpong-%s uds size=%d iters=%ld: median=%.2f us p99=%.2f us p99.9=%.2f us mean=%.2f us rt/s=%.0f\n",
         argv[1], sz, iters, rtt[iters / 2] / 1e3, rtt[(long)(iters * 0.99)] / 1e3,
         rtt[(long)(iters * 0.999)] / 1e3, el / iters / 1e3, iters / (el / 1e9));
  return 0;
}
