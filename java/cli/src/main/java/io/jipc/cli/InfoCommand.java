package io.jipc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jipc.Ipc;
import io.jipc.TransportInfo;
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
        io.jipc.Transport configured = Setup.transport(o.value("--transport"));
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("event", "info");
        line.put("version", version());
        line.put("java", System.getProperty("java.version"));
        TransportInfo choice = Ipc.transportInfo(configured);
        line.put("platform", choice.platform());
        line.put("transport", choice.chosen().name().toLowerCase(Locale.ROOT));
        String property = System.getProperty("jipc.transport");
        boolean byFlag = o.has("--transport") && configured != io.jipc.Transport.AUTO
                && (property == null || property.isBlank());
        // the library says "IpcConfig.transport=nio"; here the choice came from the command line
        line.put("reason", byFlag ? "chosen by --transport " + configured.name().toLowerCase(Locale.ROOT)
                : choice.reason());
        line.put("nativeAvailable", choice.nativeAvailable());
        if (!choice.nativeAvailable()) {
            line.put("nativeUnavailable", choice.nativeUnavailableCause());
        }
        out.event(line);
        return 0;
    }

    /** @return this jar's version, from the properties Maven filtered at build time */
    static String version() {
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
