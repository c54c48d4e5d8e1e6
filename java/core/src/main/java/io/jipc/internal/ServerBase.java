package io.jipc.internal;

import io.jipc.IpcServer;
import io.jipc.IpcSocket;
import io.jipc.Message;
import io.jipc.ServerHandler;
import java.util.concurrent.CompletionStage;

/**
 * What the stream server ({@link ServerImpl}) and the UDP server ({@link UdpServerImpl}) share: the instance, the
 * handlers and their registration, and dispatching an event to them. Thread-safe.
 */
abstract class ServerBase implements IpcServer {
    final IpcRuntime rt;
    private final Handlers handlers = new Handlers();

    ServerBase(IpcRuntime rt) {
        this.rt = rt;
    }

    @Override
    public final IpcServer on(String type, ServerHandler handler) {
        handlers.on(type, handler);
        return this;
    }

    @Override
    public final IpcServer off(String type, ServerHandler handler) {
        handlers.off(type, handler);
        return this;
    }

    @Override
    public final IpcServer off(String type) {
        handlers.off(type);
        return this;
    }

    @Override
    public final CompletionStage<Void> emit(IpcSocket socket, String type, Object data) {
        return socket.emit(type, data);
    }

    /**
     * Runs this server's handlers for an event.
     *
     * @param type the event type
     * @param msg the message
     * @param socket the socket it concerns, or null for server-wide events
     */
    final void fire(String type, Message msg, IpcSocket socket) {
        rt.dispatcher().fireServer(handlers, type, msg, socket);
    }

    /**
     * Runs this server's handlers for an event without data ("start", "connect").
     *
     * @param type the event type
     * @param socket the socket it concerns, or null
     */
    final void fireSignal(String type, IpcSocket socket) {
        fire(type, ReceivedMessage.ofJson(type, null, rt.mapper), socket);
    }
}
