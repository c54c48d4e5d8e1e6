/* recvmmsg(2): several datagrams per system call */
#define _GNU_SOURCE
#include <stddef.h>
#include <sys/socket.h>
int probe(int fd) {
    struct mmsghdr m[2] = {0};
    return recvmmsg(fd, m, 2, MSG_DONTWAIT, NULL);
}
