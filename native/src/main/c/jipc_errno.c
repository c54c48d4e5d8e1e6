/* the XSI strerror_r (returns int, always fills buf), not the GNU one */
#define _POSIX_C_SOURCE 200809L

#include "jipc.h"

#include <errno.h>
#include <string.h>

/* Bumped whenever an exported signature or struct layout changes. */
#define JIPC_ABI 2

/*
 * errno values differ between platforms (EAGAIN is 11 on Linux, 35 on macOS), so the Java side asks for the ones it
 * tests against instead of hard-coding them; it also names an error by these values (never by strerror's text,
 * which follows the locale). The order is part of the ABI (ABI 2 added EACCES..EMFILE).
 */
static const int ERRNOS[] = {
    EAGAIN, EINPROGRESS, EINTR, ECONNREFUSED, ENOENT, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT, EPIPE, ECONNRESET,
    EMSGSIZE, EBADF, EINVAL, EACCES, EPERM, EADDRINUSE, EADDRNOTAVAIL, EROFS, EMFILE,
};

int jipc_abi_version(void) {
    return JIPC_ABI;
}

int jipc_errnos(int32_t *out, int n) {
    int count = (int)(sizeof ERRNOS / sizeof ERRNOS[0]);
    if (out == NULL || n < 0) {
        return -EINVAL;
    }
    for (int i = 0; i < n && i < count; i++) {
        out[i] = ERRNOS[i];
    }
    return count;
}

int jipc_strerror(int err, char *buf, int len) {
    if (buf == NULL || len <= 0) {
        return -EINVAL;
    }
    int rc = strerror_r(err, buf, (size_t)len);
    if (rc != 0 && rc != ERANGE) {
        return -rc; /* EINVAL: unknown error number; buf is left as the C library wrote it */
    }
    size_t n = strnlen(buf, (size_t)len);
    if (n == (size_t)len) {
        n = (size_t)len - 1;
    }
    buf[n] = '\0';
    return (int)n;
}
