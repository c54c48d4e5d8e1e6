/**
 * The I/O layer: the event loop ({@link io.jipc.internal.transport.IoLoop}, its thread, task queue and timers in
 * {@link io.jipc.internal.transport.LoopTransport}), sockets (listen, connect, read, gathering write, datagrams), the
 * pure-JDK NIO implementation, and the {@link io.jipc.internal.transport.TransportProvider} SPI through which
 * jipc-native plugs in. Not API.
 */
package io.jipc.internal.transport;
