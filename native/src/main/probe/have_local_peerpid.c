/* LOCAL_PEERPID: the pid of a Unix-domain peer (macOS) */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
int probe(int fd) {
    pid_t pid;
    socklen_t len = sizeof pid;
    return getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &pid, &len);
}
