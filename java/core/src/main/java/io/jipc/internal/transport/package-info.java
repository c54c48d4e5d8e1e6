/** The transport SPI (listen, connect, read, gathering write) and its pure-JDK NIO implementation. Not API. */
package io.jipc.internal.transport;
