/* MSG_NOSIGNAL: a send to a closed peer fails with EPIPE instead of raising SIGPIPE */
#define _GNU_SOURCE
#include <sys/socket.h>
int probe(void) {
    return MSG_NOSIGNAL;
}
