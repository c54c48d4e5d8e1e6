/* SO_NOSIGPIPE: the per-socket way to the same (macOS, the BSDs) */
#include <sys/socket.h>
int probe(int fd) {
    int on = 1;
    return setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
}
