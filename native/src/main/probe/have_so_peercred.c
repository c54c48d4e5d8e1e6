/* SO_PEERCRED with struct ucred: uid, gid and pid of a Unix-domain peer (Linux) */
#define _GNU_SOURCE
#include <sys/socket.h>
int probe(int fd) {
    struct ucred c;
    socklen_t len = sizeof c;
    return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &len) + (int)c.uid + (int)c.gid + (int)c.pid;
}
