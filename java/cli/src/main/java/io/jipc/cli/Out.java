package io.jipc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;

/**
 * Where a command writes: one JSON object per line on stdout, one-line messages on stderr. Each line is written and
 * flushed under one lock, so handlers on I/O threads and the main thread may print at the same time without
 * interleaving.
 */
final class Out {
    private final PrintStream out;
    private final PrintStream err;

    Out(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** @param line printed as compact JSON on one line of stdout */
    void event(ObjectNode line) {
        String text;
        try {
            text = Json.MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + line.getClass() + " as JSON", e);
        }
        synchronized (this) {
            out.println(text);
            out.flush();
        }
    }

    /** @param text printed as is on stdout (usage text) */
    synchronized void text(String text) {
        out.print(text);
        out.flush();
    }

    /** @param message printed on one line of stderr, prefixed with {@code jipc: } */
    synchronized void error(String message) {
        err.println("jipc: " + oneLine(message));
        err.flush();
    }

    private static String oneLine(String s) {
        return String.valueOf(s).replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
