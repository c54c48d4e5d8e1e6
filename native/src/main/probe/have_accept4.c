/* accept4(2): the accepted socket born non-blocking and close-on-exec */
#define _GNU_SOURCE
#include <stddef.h>
#include <sys/socket.h>
int probe(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
