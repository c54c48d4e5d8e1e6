/** The native transport: libjipc (epoll or kqueue, in C) called through jnr-ffi, and the loader that finds it. */
package io.jipc.internal.nativeio;
