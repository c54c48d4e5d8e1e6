/** The event loop: one I/O thread per {@code Ipc}, its task queue and timers. Not API. */
package io.jipc.internal.loop;
