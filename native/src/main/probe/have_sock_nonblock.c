/* socket(2)/accept4 type flags: a socket born non-blocking and close-on-exec in one call (Linux, the BSDs) */
#define _GNU_SOURCE
#include <sys/socket.h>
int probe(void) {
    return socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}
