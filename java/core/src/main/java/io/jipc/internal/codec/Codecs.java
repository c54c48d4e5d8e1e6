package io.jipc.internal.codec;

import io.jipc.Wire;
import io.jipc.internal.codec.json.JsonWireCodec;
import io.jipc.internal.codec.proto.ProtoWireCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The codecs an {@code Ipc} instance speaks, and the one place where the public {@link Wire} setting is mapped to
 * them. {@link #builtIn()} registers node-ipc JSON and jipc protobuf; adding a codec to jipc is adding it there.
 * Detection (a server in AUTO mode, a UDP server's datagrams) asks the codecs in registration order and falls back to
 * the {@linkplain #fallback() fallback codec} (JSON: node-ipc peers send no preamble), which is also what a connection
 * is taken as when it stays silent. Immutable; {@link #with} makes a registry with one more codec (tests register
 * theirs that way).
 */
public final class Codecs {
    private final WireCodec[] detected;
    private final WireCodec fallback;
    private final Map<Wire, WireCodec> byWire;
    /** Every codec, the fallback last: what {@link #indexOf} searches (per frame sent, so an array). */
    private final WireCodec[] indexed;
    private final List<WireCodec> all;

    private Codecs(WireCodec[] detected, WireCodec fallback, Map<Wire, WireCodec> byWire) {
        this.detected = detected;
        this.fallback = fallback;
        this.byWire = byWire;
        this.indexed = Arrays.copyOf(detected, detected.length + 1);
        indexed[detected.length] = fallback;
        this.all = List.of(indexed);
    }

    private static final Codecs BUILT_IN;

    static {
        Map<Wire, WireCodec> byWire = new EnumMap<>(Wire.class);
        byWire.put(Wire.JSON, JsonWireCodec.INSTANCE);
        byWire.put(Wire.PROTO, ProtoWireCodec.INSTANCE);
        BUILT_IN = new Codecs(new WireCodec[] {ProtoWireCodec.INSTANCE}, JsonWireCodec.INSTANCE, byWire);
    }

    /** @return jipc's codecs: protobuf (known by its preamble) and node-ipc JSON (anything else) */
    public static Codecs builtIn() {
        return BUILT_IN;
    }

    /**
     * A registry with one more codec, detected after the ones already registered (and before the fallback).
     *
     * @param codec the codec to add
     * @param wires the wire settings that now name it (e.g. {@code Wire.PROTO} for a client that is to speak it); may
     *     be none: then only detection finds it
     * @return the new registry
     */
    public Codecs with(WireCodec codec, Wire... wires) {
        Objects.requireNonNull(codec, "codec");
        if (all.contains(codec)) {
            throw new IllegalArgumentException("codec " + codec.name() + " is registered already");
        }
        WireCodec[] d = Arrays.copyOf(detected, detected.length + 1);
        d[detected.length] = codec;
        Map<Wire, WireCodec> m = new EnumMap<>(byWire);
        for (Wire w : wires) {
            if (w == Wire.AUTO) {
                throw new IllegalArgumentException("AUTO names detection, not a codec");
            }
            m.put(w, codec);
        }
        return new Codecs(d, fallback, m);
    }

    /**
     * @param wire the configured wire mode
     * @return the codec it names, or null for {@link Wire#AUTO} (detect per connection)
     */
    public WireCodec forWire(Wire wire) {
        return byWire.get(wire);
    }

    /** @return the codec of a peer that sent nothing to tell it by, and of what no codec detects: node-ipc JSON */
    public WireCodec fallback() {
        return fallback;
    }

    /**
     * @param first the first bytes of a stream or datagram, from its position (not consumed); may be empty
     * @return the first registered codec that detects them, else the fallback
     */
    public WireCodec detect(ByteBuffer first) {
        if (first.hasRemaining()) {
            for (WireCodec c : detected) {
                if (c.detect(first)) {
                    return c;
                }
            }
        }
        return fallback;
    }

    /** @return every registered codec, the fallback last */
    public List<WireCodec> all() {
        return all;
    }

    /**
     * @param codec a registered codec
     * @return its position in {@link #all()}
     * @throws IllegalArgumentException when it is not registered here
     */
    public int indexOf(WireCodec codec) {
        WireCodec[] cs = indexed;
        for (int i = 0; i < cs.length; i++) {
            if (cs[i] == codec) {
                return i;
            }
        }
        throw new IllegalArgumentException("codec " + (codec == null ? null : codec.name()) + " is not registered");
    }
}
