package io.jipc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jipc.internal.TransportSelection;
import io.jipc.internal.nativeio.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;

/**
 * {@code jipc info}: one JSON line with the version, the platform, the transport this JVM would use (honouring
 * {@code --transport} and {@code -Djipc.transport}) and why, and whether the native transport is available (and if
 * not, why).
 */
final class InfoCommand {
    private InfoCommand() {
    }

    static int run(Options o, Out out) {
        io.jipc.Transport configured = Setup.transport(o);
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("event", "info");
        line.put("version", version());
        line.put("java", System.getProperty("java.version"));
        line.put("platform", NativeLibrary.platform(System.getProperty("os.name", ""),
                System.getProperty("os.arch", "")));
        TransportSelection choice = TransportSelection.choose(configured);
        line.put("transport", choice.kind().name().toLowerCase(Locale.ROOT));
        line.put("reason", choice.reason());
        line.put("nativeAvailable", NativeLibrary.isAvailable());
        if (!NativeLibrary.isAvailable()) {
            line.put("nativeUnavailable", NativeLibrary.unavailabilityCause());
        }
        out.event(line);
        return 0;
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = InfoCommand.class.getResourceAsStream("jipc-cli.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
