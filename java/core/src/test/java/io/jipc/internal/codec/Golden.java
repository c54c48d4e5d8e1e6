package io.jipc.internal.codec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Golden frames produced by node's JSON.stringify (resource codec/golden-frames.txt, made by generate-golden.js). */
public final class Golden {

    /**
     * How the codec fuzz tests record a frame a decoder gave its sink: comparable, and naming jipc's request keys
     * only when the frame had one.
     *
     * @return "type\u0000hex(data)" ("<absent>" for no data), then "\u0000id=..,re=..,error=hex" when id, re or error
     *     is set
     */
    public static String frame(String type, byte[] data, long id, long re, byte[] error) {
        String frame = type + "\u0000" + (data == null ? "<absent>" : toHex(data));
        if (id != 0 || re != 0 || error != null) {
            frame += "\u0000id=" + id + ",re=" + re + ",error=" + (error == null ? "-" : toHex(error));
        }
        return frame;
    }

    /** One golden case: the whole frame (delimiter included) and the JSON text of its data value. */
    public record Case(String name, byte[] frame, byte[] data) { }

    private static final Map<String, Case> CASES = load();

    private Golden() {
    }

    public static Case get(String name) {
        Case c = CASES.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no golden case " + name);
        }
        return c;
    }

    public static Map<String, Case> all() {
        return CASES;
    }

    public static byte[] hex(String hex) {
        String h = hex.replace(" ", "");
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h, 2 * i, 2 * i + 2, 16);
        }
        return out;
    }

    public static String toHex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }

    private static Map<String, Case> load() {
        Map<String, Case> m = new LinkedHashMap<>();
        try (InputStream in = Golden.class.getResourceAsStream("/codec/golden-frames.txt")) {
            if (in == null) {
                throw new IllegalStateException("resource /codec/golden-frames.txt missing");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                m.put(f[0], new Case(f[0], hex(f[1]), hex(f[2])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }
}
