package io.jipc.internal;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Event type → handlers, safe to change from any thread while the I/O thread dispatches (node-ipc's event-pubsub).
 * Each type maps to an immutable array replaced on every change, so dispatch reads it without locks or allocation.
 * Handlers of one type run in the order they were added.
 */
final class Handlers {
    static final Object[] NONE = new Object[0];

    private final ConcurrentHashMap<String, Object[]> byType = new ConcurrentHashMap<>();
    /** The handlers of "*" (every type), kept apart so dispatch reads them without a second map lookup. */
    private volatile Object[] any = NONE;

    synchronized void on(String type, Object handler) {
        if (type == null || handler == null) {
            throw new NullPointerException(type == null ? "type" : "handler");
        }
        byType.compute(type, (k, old) -> {
            if (old == null) {
                return new Object[] {handler};
            }
            Object[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = handler;
            return grown;
        });
        refreshAny();
    }

    synchronized void off(String type, Object handler) {
        if ("*".equals(type)) {
            for (String t : byType.keySet()) {
                remove(t, handler);
            }
        } else {
            remove(type, handler);
        }
        refreshAny();
    }

    private void remove(String type, Object handler) {
        byType.computeIfPresent(type, (k, old) -> {
            for (int i = 0; i < old.length; i++) {
                if (old[i].equals(handler)) {
                    if (old.length == 1) {
                        return null;
                    }
                    Object[] shrunk = new Object[old.length - 1];
                    System.arraycopy(old, 0, shrunk, 0, i);
                    System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                    return shrunk;
                }
            }
            return old;
        });
    }

    synchronized void off(String type) {
        if ("*".equals(type)) {
            byType.clear();
        } else {
            byType.remove(type);
        }
        refreshAny();
    }

    /** Changes are made under this object's lock, so the last refresh always sees the last change. */
    private void refreshAny() {
        any = get("*");
    }

    /** @return the handlers of "*" (never null, never modified afterwards) */
    Object[] any() {
        return any;
    }

    /** @return the handlers of a type (never null, never modified afterwards) */
    Object[] get(String type) {
        Object[] a = byType.get(type);
        return a == null ? NONE : a;
    }
}
