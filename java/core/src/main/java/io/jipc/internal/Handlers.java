package io.jipc.internal;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Event type → handlers, safe to change from any thread while the I/O thread dispatches (node-ipc's event-pubsub).
 * Handlers of one type run in the order they were added.
 */
final class Handlers {
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<Object>> byType = new ConcurrentHashMap<>();

    void on(String type, Object handler) {
        if (type == null || handler == null) {
            throw new NullPointerException(type == null ? "type" : "handler");
        }
        byType.computeIfAbsent(type, k -> new CopyOnWriteArrayList<>()).add(handler);
    }

    void off(String type, Object handler) {
        if ("*".equals(type)) {
            byType.values().forEach(l -> l.remove(handler));
            return;
        }
        List<Object> list = byType.get(type);
        if (list != null) {
            list.remove(handler);
        }
    }

    void off(String type) {
        if ("*".equals(type)) {
            byType.clear();
        } else {
            byType.remove(type);
        }
    }

    /** @return the handlers of a type (empty list when none), safe to iterate while others change it */
    List<Object> get(String type) {
        List<Object> list = byType.get(type);
        return list == null ? List.of() : list;
    }
}
