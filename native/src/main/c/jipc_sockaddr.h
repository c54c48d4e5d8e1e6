/* Conversions between struct jipc_addr and the OS's sockaddr; static inline so nothing but jipc_* is exported. */
#ifndef JIPC_SOCKADDR_H
#define JIPC_SOCKADDR_H

#include "jipc.h"

#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

static inline int jipc_to_sockaddr(const struct jipc_addr *a, struct sockaddr_storage *ss, socklen_t *len) {
    memset(ss, 0, sizeof *ss);
    if (a == NULL) {
        return -EINVAL;
    }
    switch (a->family) {
    case JIPC_AF_INET: {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        if (a->len != 4 || a->port < 0 || a->port > 65535) {
            return -EINVAL;
        }
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)a->port);
        memcpy(&in->sin_addr, a->bytes, 4);
        *len = sizeof *in;
        return 0;
    }
    case JIPC_AF_INET6: {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
        if (a->len != 16 || a->port < 0 || a->port > 65535) {
            return -EINVAL;
        }
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)a->port);
        in6->sin6_scope_id = (uint32_t)a->scope_id;
        memcpy(&in6->sin6_addr, a->bytes, 16);
        *len = sizeof *in6;
        return 0;
    }
    case JIPC_AF_UNIX: {
        struct sockaddr_un *un = (struct sockaddr_un *)ss;
        /* a pathname needs room for its NUL; an abstract name (leading NUL) is counted by length instead */
        size_t room = a->len > 0 && a->bytes[0] == 0 ? sizeof un->sun_path : sizeof un->sun_path - 1;
        if (a->len <= 0 || (size_t)a->len > room || (size_t)a->len > JIPC_PATH_MAX) {
            return a->len <= 0 ? -EINVAL : -ENAMETOOLONG;
        }
        un->sun_family = AF_UNIX;
        memcpy(un->sun_path, a->bytes, (size_t)a->len);
        *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)a->len
                + (a->bytes[0] == 0 ? 0 : 1));
        return 0;
    }
    default:
        return -EAFNOSUPPORT;
    }
}

static inline int jipc_from_sockaddr(const struct sockaddr_storage *ss, socklen_t len, struct jipc_addr *a) {
    memset(a, 0, sizeof *a);
    switch (ss->ss_family) {
    case AF_INET: {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        a->family = JIPC_AF_INET;
        a->port = ntohs(in->sin_port);
        a->len = 4;
        memcpy(a->bytes, &in->sin_addr, 4);
        return 0;
    }
    case AF_INET6: {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        a->family = JIPC_AF_INET6;
        a->port = ntohs(in6->sin6_port);
        a->len = 16;
        a->scope_id = (int32_t)in6->sin6_scope_id;
        memcpy(a->bytes, &in6->sin6_addr, 16);
        return 0;
    }
    case AF_UNIX: {
        const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
        size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
        if (n > JIPC_PATH_MAX) {
            n = JIPC_PATH_MAX;
        }
        /* pathnames may or may not count their NUL; abstract names (leading NUL) are exactly n bytes */
        if (n > 0 && un->sun_path[0] != 0) {
            n = strnlen(un->sun_path, n);
        }
        a->family = JIPC_AF_UNIX;
        a->len = (int32_t)n;
        memcpy(a->bytes, un->sun_path, n);
        return 0;
    }
    default:
        a->family = 0;
        return 0;
    }
}

#endif
