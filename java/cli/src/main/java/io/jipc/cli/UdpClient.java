package io.jipc.cli;

import io.jipc.ClientHandler;
import io.jipc.ConnectionState;
import io.jipc.Ipc;
import io.jipc.IpcClient;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import io.jipc.ServerHandler;
import io.jipc.SignalHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What emit and listen use for a UDP address: node-ipc has no UDP client, so this is a UDP server bound to
 * {@code --bind} that emits to the target address and reports what it receives as a client would ({@code connect}
 * once bound, {@code disconnect} and {@code destroy} when closed).
 */
final class UdpClient implements IpcClient {
    private final IpcServer server;
    private final InetSocketAddress target;
    private final Map<Object, ServerHandler> adapters = new ConcurrentHashMap<>();
    private final List<SignalHandler> onDisconnect = new CopyOnWriteArrayList<>();
    private final List<SignalHandler> onDestroy = new CopyOnWriteArrayList<>();
    private volatile ConnectionState state = ConnectionState.CONNECTING;

    private UdpClient(IpcServer server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    static UdpClient open(Ipc ipc, Address.Udp address, java.util.function.Consumer<IpcClient> setup) {
        UdpClient c = new UdpClient(ipc.serveNet(address.bindHost(), address.bindPort(), address.type()),
                InetSocketAddress.createUnresolved(address.host(), address.port()));
        c.server.on("connect", (d, s) -> c.state = ConnectionState.CONNECTED);
        setup.accept(c);
        try {
            c.server.start();
        } catch (IpcException e) {
            throw new Failure(e.getMessage());
        }
        return c;
    }

    @Override
    public String id() {
        return Address.CLIENT_KEY;
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    @Override
    public CompletionStage<Void> emit(String type, Object data) {
        return server.emit(target, type, data);
    }

    @Override
    public CompletionStage<Void> write(byte[] bytes) {
        return CompletableFuture.failedFuture(new IpcException(IpcException.ESTATE,
                "raw writes are not supported over UDP from the CLI"));
    }

    @Override
    public IpcClient on(String type, ClientHandler handler) {
        ServerHandler h = (data, socket) -> {
            if (!"start".equals(data.type())) {
                handler.onMessage(data);
            }
        };
        adapters.put(handler, h);
        server.on(type, h);
        return this;
    }

    @Override
    public IpcClient on(String type, SignalHandler handler) {
        if ("disconnect".equals(type)) {
            onDisconnect.add(handler);
        } else if ("destroy".equals(type)) {
            onDestroy.add(handler);
        } else {
            ServerHandler h = (data, socket) -> handler.onSignal();
            adapters.put(handler, h);
            server.on(type, h);
        }
        return this;
    }

    @Override
    public IpcClient off(String type, ClientHandler handler) {
        ServerHandler h = adapters.remove(handler);
        if (h != null) {
            server.off(type, h);
        }
        return this;
    }

    @Override
    public IpcClient off(String type, SignalHandler handler) {
        onDisconnect.remove(handler);
        onDestroy.remove(handler);
        ServerHandler h = adapters.remove(handler);
        if (h != null) {
            server.off(type, h);
        }
        return this;
    }

    @Override
    public IpcClient off(String type) {
        server.off(type);
        return this;
    }

    @Override
    public CompletionStage<Void> disconnect() {
        if (state != ConnectionState.DESTROYED) {
            state = ConnectionState.DESTROYED;
            server.stop();
            onDisconnect.forEach(SignalHandler::onSignal);
            onDestroy.forEach(SignalHandler::onSignal);
        }
        return CompletableFuture.completedFuture(null);
    }
}
