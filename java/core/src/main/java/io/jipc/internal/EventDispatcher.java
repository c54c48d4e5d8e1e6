package io.jipc.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jipc.ClientHandler;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.IpcSocket;
import io.jipc.Message;
import io.jipc.ServerHandler;
import io.jipc.SignalHandler;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs the handlers registered for an event: those of its type, then the catch-all {@code "*"} ones, on the I/O thread
 * or on {@link IpcConfig#executor}. A handler that throws is reported as an {@code EHANDLER} 'error' event (and a
 * request it left unanswered is answered with EHANDLER); a request nobody handles is answered with ENOHANDLER. One per
 * {@code Ipc} instance; thread-safe.
 */
final class EventDispatcher {
    private final IpcConfig config;
    private final ObjectMapper mapper;
    private final Consumer<String> warn;

    /**
     * @param config the validated config (executor)
     * @param mapper makes the 'error' messages
     * @param warn logs a warning (honouring {@code silent})
     */
    EventDispatcher(IpcConfig config, ObjectMapper mapper, Consumer<String> warn) {
        this.config = config;
        this.mapper = mapper;
        this.warn = warn;
    }

    /**
     * Runs a client's handlers ({@link ClientHandler}s and {@link SignalHandler}s) for an event.
     *
     * @param handlers the client's handlers
     * @param type the event type
     * @param msg the message
     */
    void fireClient(Handlers handlers, String type, Message msg) {
        fire(handlers, type, msg, null, false);
    }

    /**
     * Runs a server's {@link ServerHandler}s for an event.
     *
     * @param handlers the server's handlers
     * @param type the event type
     * @param msg the message
     * @param socket the socket it came on, or null for server-wide events
     */
    void fireServer(Handlers handlers, String type, Message msg, IpcSocket socket) {
        fire(handlers, type, msg, socket, true);
    }

    private void fire(Handlers handlers, String type, Message msg, IpcSocket socket, boolean server) {
        Object[] list = handlers.get(type);
        Object[] any = "*".equals(type) ? Handlers.NONE : handlers.any();
        if (list.length == 0 && any.length == 0) {
            if ("error".equals(type)) {
                warn.accept("jipc error (no 'error' handler): "
                        + msg.error().map(Throwable::getMessage).orElse(msg.asText()));
            }
            noHandler(type, msg);
            return;
        }
        for (Object h : list) {
            call(handlers, type, h, msg, socket, server);
        }
        for (Object h : any) {
            call(handlers, type, h, msg, socket, server);
        }
    }

    private void call(Handlers handlers, String type, Object h, Message msg, IpcSocket socket, boolean server) {
        Executor executor = config.executor();
        if (executor != null) {
            executor.execute(() -> invoke(handlers, type, h, msg, socket, server));
        } else {
            invoke(handlers, type, h, msg, socket, server);
        }
    }

    private void invoke(Handlers handlers, String type, Object h, Message msg, IpcSocket socket, boolean server) {
        try {
            if (server) {
                ((ServerHandler) h).onMessage(msg, socket);
            } else if (h instanceof ClientHandler) {
                ((ClientHandler) h).onMessage(msg);
            } else {
                ((SignalHandler) h).onSignal();
            }
        } catch (RuntimeException | Error e) {
            handlerThrew(msg, e);
            IpcException err = handlerFailed(type, e);
            if (err != null) {
                fire(handlers, "error", ReceivedMessage.ofError(err, mapper), socket, server);
            }
        }
    }

    /** @return the error to report for a throwing handler, or null when an error handler threw (logged only) */
    private IpcException handlerFailed(String type, Throwable e) {
        if ("error".equals(type)) {
            warn.accept("an 'error' handler threw: " + e);
            return null;
        }
        return new IpcException(IpcException.EHANDLER, "handler for '" + type + "' threw " + e, e);
    }

    /** A request nobody handles is answered with ENOHANDLER rather than left to time out. */
    private static void noHandler(String type, Message msg) {
        if (msg.isRequest()) {
            msg.replyError(IpcException.ENOHANDLER, "no handler for '" + type + "'");
        }
    }

    /**
     * A request whose handler threw before answering is answered with EHANDLER. The remote peer gets an
     * application-level sentence, not the exception's class and text (those go to this side's 'error' event).
     */
    private static void handlerThrew(Message msg, Throwable e) {
        if (msg instanceof ReceivedMessage && msg.isRequest() && !((ReceivedMessage) msg).replied()) {
            msg.replyError(IpcException.EHANDLER, "the handler for '" + msg.type() + "' failed before replying");
        }
    }
}
