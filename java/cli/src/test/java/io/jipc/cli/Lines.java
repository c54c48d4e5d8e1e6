package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Collects what a CLI run prints, line by line, for a test to read while the run goes on. */
final class Lines extends OutputStream {
    /** How long a test waits for an expected line before failing (a guard against hangs, not a measurement). */
    static final Duration PATIENCE = Duration.ofSeconds(15);

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final LinkedBlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();
    final PrintStream stream = new PrintStream(this, true, StandardCharsets.UTF_8);

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            String line = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
            all.add(line);
            unread.add(line);
        } else {
            partial.write(b);
        }
    }

    /** @return every complete line so far */
    synchronized List<String> all() {
        return new ArrayList<>(all);
    }

    /** @return every complete line so far, parsed as JSON */
    List<JsonNode> json() {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : all()) {
            nodes.add(parse(line));
        }
        return nodes;
    }

    /**
     * Reads lines until one matches; lines before it are consumed.
     *
     * @param what what is awaited, for the failure message
     * @param match the test
     * @return the matching line
     */
    JsonNode await(String what, Predicate<JsonNode> match) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            String line = unread.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                return fail("no line with " + what + " within " + PATIENCE + "; printed so far: " + all());
            }
            JsonNode node = parse(line);
            if (match.test(node)) {
                return node;
            }
        }
    }

    /** @return the first line whose "event" is that, reading on */
    JsonNode awaitEvent(String event) throws InterruptedException {
        return await("event " + event, n -> event.equals(n.path("event").asText()));
    }

    static JsonNode parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return fail("not a JSON line: " + line);
        }
    }

    static JsonNode json(String text) {
        return parse(text);
    }
}
