package io.jipc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jipc.IpcException;
import io.jipc.IpcSocket;
import io.jipc.Message;
import java.util.Base64;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** JSON for the CLI: parsing a DATA argument and building the output lines. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /**
     * @param text a command line argument holding one JSON value
     * @return the value
     * @throws UsageException when it is not exactly one JSON value
     */
    static JsonNode parseArgument(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new UsageException("DATA is empty: give a JSON value (to send a string, quote it: '\"hello\"')");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new UsageException("DATA is not a JSON value: " + text
                    + " (to send a string, quote it: '\"" + text + "\"')");
        }
    }

    /** @return {@code {"event":event}} to add fields to */
    static ObjectNode line(String event) {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("event", event);
        return line;
    }

    /**
     * A received event as a line: {@code {"event":TYPE,"data":DATA}}, or in rawBuffer mode
     * {@code {"event":"data","base64":...}}. {@code data} is left out when the frame had none (node-ipc's
     * {@code undefined}).
     *
     * @param m the event
     * @param raw whether rawBuffer mode is on
     * @return the line
     */
    static ObjectNode received(Message m, boolean raw) {
        ObjectNode line = line(m.type());
        if (raw && "data".equals(m.type())) {
            line.put("base64", Base64.getEncoder().encodeToString(m.bytes()));
        } else if (m.hasData()) {
            line.set("data", data(m));
        }
        return line;
    }

    /** @return the event's data as a JSON tree (as text if, against expectation, it does not parse) */
    static JsonNode data(Message m) {
        try {
            return m.json();
        } catch (IpcException e) {
            return TextNode.valueOf(m.asText());
        }
    }

    /**
     * @param m an {@code error} event
     * @return {@code {"event":"error","message":...,"code":...}}
     */
    static ObjectNode error(Message m) {
        if (m.error().isPresent()) {
            return error(m.error().get());
        }
        JsonNode data = data(m);
        ObjectNode line = line("error");
        line.put("message", data.path("message").asText(m.asText()));
        line.put("code", data.path("code").asText(null));
        return line;
    }

    /**
     * @param failure a failure, unwrapped from Completion/ExecutionException
     * @return {@code {"event":"error","message":...,"code":...}}
     */
    static ObjectNode error(Throwable failure) {
        Throwable t = unwrap(failure);
        ObjectNode line = line("error");
        line.put("message", String.valueOf(t.getMessage()));
        line.put("code", t instanceof IpcException ? ((IpcException) t).code() : null);
        return line;
    }

    /** @return the same line with {@code "socket"} set to the socket's id, or null */
    static ObjectNode withSocket(ObjectNode line, IpcSocket socket) {
        line.put("socket", socket == null ? null : socket.id());
        return line;
    }

    /** @return the cause of a CompletionException / ExecutionException, else the throwable itself */
    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
