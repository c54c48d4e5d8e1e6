package io.jipc.internal.transport;

import io.jipc.PeerCredentials;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Peer credentials on the NIO transport. The JDK's {@code SO_PEERCRED} gives the peer's user and group as names (or as
 * the number when the system has no name for it), not ids, and no pid; the names are mapped back to ids through
 * {@code /etc/passwd} and {@code /etc/group} (each name looked up once per JVM). A name found in neither (a
 * directory-service account) leaves that id -1; the pid is always -1.
 */
final class PeerIds {
    private static final java.util.concurrent.ConcurrentHashMap<String, Integer> USERS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.ConcurrentHashMap<String, Integer> GROUPS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private PeerIds() {
    }

    /**
     * @param ch an accepted Unix-domain channel
     * @return its peer's credentials, or null when the OS would not say
     */
    static PeerCredentials of(SocketChannel ch) {
        UnixDomainPrincipal p;
        try {
            p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        return new PeerCredentials(USERS.computeIfAbsent(p.user().getName(), n -> id(n, Path.of("/etc/passwd"))),
                GROUPS.computeIfAbsent(p.group().getName(), n -> id(n, Path.of("/etc/group"))), -1);
    }

    /** @return the numeric id of a name in a passwd/group style file (name:x:id:...), a number as is, else -1 */
    static int id(String name, Path file) {
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
            try {
                return Integer.parseUnsignedInt(name);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return -1;
        }
        Map<String, Integer> ids = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[0].equals(name)) {
                try {
                    ids.putIfAbsent(name, Integer.parseUnsignedInt(f[2]));
                } catch (NumberFormatException e) {
                    // a malformed line: keep looking
                }
            }
        }
        return ids.getOrDefault(name, -1);
    }
}
