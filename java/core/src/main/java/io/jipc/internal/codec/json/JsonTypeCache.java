package io.jipc.internal.codec.json;

import java.util.Arrays;

/**
 * The event types a JSON decoder recently decoded, by their raw (still escaped) UTF-8 bytes, so that a stream of a
 * few event types makes no String per frame. A small direct-mapped table of {@value #SIZE} slots; one per decoder,
 * not thread-safe. Both the scanner and the Jackson fallback fill and read it.
 */
final class JsonTypeCache {
    /** Slots; a power of two. */
    static final int SIZE = 32;
    /** Longest raw type cached, in bytes. */
    static final int MAX_BYTES = 256;

    private Entry[] slots;

    /** One cached type: raw (still escaped) UTF-8 bytes between the quotes, their hash and the decoded String. */
    static final class Entry {
        final int hash;
        final byte[] raw;
        final String value;

        Entry(int hash, byte[] raw, String value) {
            this.hash = hash;
            this.raw = raw;
            this.value = value;
        }
    }

    /** @return the hash {@link #find} and {@link #put} take: {@code 31 * h + b} over the raw bytes, from 1 */
    static int hash(byte[] a, int from, int to) {
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + a[i];
        }
        return h;
    }

    private static int slot(int h) {
        return (h ^ (h >>> 16)) & (SIZE - 1);
    }

    /**
     * @return the entry of the raw type {@code a[from, to)} with hash {@code h}, or null when it is not cached
     */
    Entry find(int h, byte[] a, int from, int to) {
        Entry[] s = slots;
        if (s == null) {
            return null;
        }
        Entry e = s[slot(h)];
        return e != null && e.hash == h && Arrays.equals(e.raw, 0, e.raw.length, a, from, to) ? e : null;
    }

    /** Caches the decoded form of the raw type {@code a[from, to)} (replacing what shared its slot); returns it. */
    Entry put(int h, byte[] a, int from, int to, String value) {
        Entry[] s = slots;
        if (s == null) {
            s = slots = new Entry[SIZE];
        }
        Entry e = new Entry(h, Arrays.copyOfRange(a, from, to), value);
        s[slot(h)] = e;
        return e;
    }
}
