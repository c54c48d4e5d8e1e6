/* getpeereid(3): uid and gid of a Unix-domain peer (the BSDs, macOS) */
#include <sys/types.h>
#include <unistd.h>
int probe(int fd) {
    uid_t uid;
    gid_t gid;
    return getpeereid(fd, &uid, &gid);
}
