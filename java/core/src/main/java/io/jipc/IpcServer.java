package io.jipc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A server made by {@link Ipc#serve} or {@link Ipc#serveNet}: node-ipc's {@code ipc.server}.
 *
 * <p>Nothing listens until {@link #start()}. Built-in events, in node-ipc's order: {@code start} (once listening),
 * {@code connect} (socket accepted; data empty), then each received event by its type, {@code error} (data has
 * {@link Message#error()}; socket is the peer, or null for server-wide errors), {@code socket.disconnected} (data is
 * the peer's last {@code data.id} as a JSON string, or {@code false}), and {@code data} in rawBuffer mode.
 *
 * <p>A UDP server ({@link Ipc#serveNet(String, int, UdpType)}) has no connections: its sockets are the peers it
 * heard from, {@code connect} fires once after {@code start}, and there is no {@code socket.disconnected}.
 *
 * <p>Thread-safe: {@code on}, {@code off}, {@code emit} and {@code broadcast} may be called from any thread.
 */
public interface IpcServer {
    /**
     * Binds and starts listening, then fires {@code start}: node-ipc's {@code ipc.server.start()}.
     *
     * @throws IpcException when the address cannot be bound: a live server at the path ({@code EADDRINUSE}), a
     *     path that is not a socket, a port in use, no permission, with the OS reason
     */
    void start();

    /**
     * Stops: flushes and closes every client socket, stops listening and removes the socket file (node-ipc 14's
     * {@code stop()}; 9.x left client sockets open). Waits for all of it unless called on the I/O thread. Only the
     * file this server made is removed: if it was replaced meanwhile (e.g. by another server's at the same path),
     * that one stays.
     */
    void stop();

    /** @return true between {@link #start()} and {@link #stop()} */
    boolean isListening();

    /** @return the bound address (for TCP port 0, the port the OS chose); null before start */
    SocketAddress address();

    /**
     * Adds a handler: node-ipc's {@code ipc.server.on(type, handler)}. The type {@code "*"} (event-pubsub's
     * catch-all) receives every event, built-in ones included, after that type's own handlers; read the type from
     * {@link Message#type()}.
     *
     * @param type event type, a built-in event name, or {@code "*"}
     * @param handler the handler
     * @return this server
     */
    IpcServer on(String type, ServerHandler handler);

    /**
     * Removes a handler added with {@link #on}: node-ipc's {@code off(type, handler)}. With type {@code "*"} the
     * handler is removed from every type.
     *
     * @param type event type
     * @param handler the handler passed to {@code on}
     * @return this server
     */
    IpcServer off(String type, ServerHandler handler);

    /**
     * Removes every handler of a type ({@code "*"} removes all handlers of all types).
     *
     * @param type event type or {@code "*"}
     * @return this server
     */
    IpcServer off(String type);

    /**
     * Sends an event to one socket: node-ipc's {@code ipc.server.emit(socket, type, data)}.
     *
     * @param socket the target
     * @param type event type
     * @param data as for {@link IpcSocket#emit}
     * @return completes when the frame reached the kernel
     */
    CompletionStage<Void> emit(IpcSocket socket, String type, Object data);

    /**
     * Sends an event to an address: node-ipc's {@code ipc.server.emit({address, port}, type, data)}. On a UDP server
     * this sends one datagram from the server's port to any address (how two UDP servers talk to each other); on a
     * stream server it emits to the connected socket whose remote address equals {@code target}.
     *
     * @param target the address; an unresolved one is resolved first
     * @param type event type
     * @param data as for {@link IpcSocket#emit}
     * @return completes when the frame reached the kernel; fails with {@code EMSGSIZE} when a UDP datagram would
     *     exceed the largest UDP payload ({@link UdpType#maxDatagramBytes()}), {@code ENOTCONNECTED} when a stream
     *     server has no socket from that address, {@code ENOTFOUND} when the host does not resolve
     */
    CompletionStage<Void> emit(InetSocketAddress target, String type, Object data);

    /**
     * Sends an event to every connected socket, encoding it once: node-ipc's {@code ipc.server.broadcast}. On a UDP
     * server: one datagram to every peer heard from (node-ipc 14's behaviour; node-ipc 9.x sends nothing).
     *
     * @param type event type
     * @param data as for {@link IpcSocket#emit}
     * @return completes when the frame reached the kernel for every socket; fails if any failed
     */
    CompletionStage<Void> broadcast(String type, Object data);

    /** @return a snapshot of the connected sockets, in accept order (UDP: the remembered peers, in order heard from) */
    List<IpcSocket> sockets();

    /**
     * Adds a handler that receives the data bound to a type: a generated protobuf message class (a typed payload is
     * unpacked; JSON data is read as its proto3 JSON form), or a record/POJO as {@link Message#as(Class)}. Data that
     * does not fit is an {@code error} event ({@code EHANDLER} caused by {@code EDATA}). Remove it with
     * {@link #off(String)}.
     *
     * @param <T> the data type
     * @param type event type
     * @param dataType the class to bind the data to
     * @param handler receives the bound data, the message (for {@link Message#reply(Object)}) and the socket
     * @return this server
     */
    default <T> IpcServer on(String type, Class<T> dataType, TypedServerHandler<T> handler) {
        java.util.Objects.requireNonNull(dataType, "dataType");
        java.util.Objects.requireNonNull(handler, "handler");
        return on(type, (ServerHandler) (msg, socket) -> handler.onMessage(msg.as(dataType), msg, socket));
    }
}
