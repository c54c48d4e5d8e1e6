package io.jipc.examples;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An example's command line: an optional role ({@code world} or {@code hello}, to run the two halves in two
 * terminals as node-ipc's examples do; both in one process when absent), then {@code --name value} options.
 * Every example takes {@code --timeout SECONDS} (default 10), how long the exchange may take.
 */
final class ExampleArgs {
    /** How long an exchange may take unless {@code --timeout} says otherwise. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String role;
    private final Map<String, String> options;

    private ExampleArgs(String role, Map<String, String> options) {
        this.role = role;
        this.options = options;
    }

    /**
     * Reads a command line.
     *
     * @param args the arguments
     * @param roles whether this example has separate world and hello roles
     * @param known the option names the example takes, besides {@code timeout}
     * @return the parsed command line
     * @throws UsageException naming the problem
     */
    static ExampleArgs parse(String[] args, boolean roles, String... known) {
        Set<String> names = new HashSet<>(List.of(known));
        names.add("timeout");
        String role = null;
        Map<String, String> options = new HashMap<>();
        int i = 0;
        if (roles && args.length > 0 && !args[0].startsWith("--")) {
            role = args[i++];
            if (!role.equals("world") && !role.equals("hello")) {
                throw new UsageException("role must be 'world' or 'hello', not '" + role + "'");
            }
        }
        for (; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !names.contains(arg.substring(2))) {
                throw new UsageException("unexpected argument '" + arg + "' (options: --" + String.join(", --",
                        names.stream().sorted().toList()) + ")");
            }
            if (i + 1 == args.length) {
                throw new UsageException("missing value for " + arg);
            }
            options.put(arg.substring(2), args[++i]);
        }
        return new ExampleArgs(role, options);
    }

    /** @return true when this process runs the world (server) side */
    boolean runsWorld() {
        return role == null || role.equals("world");
    }

    /** @return true when this process runs the hello (client) side */
    boolean runsHello() {
        return role == null || role.equals("hello");
    }

    /**
     * @param name option name without the dashes
     * @param fallback the value when the option is absent (may be null)
     * @return the option's value
     */
    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /**
     * @param name option name without the dashes
     * @param fallback the value when the option is absent
     * @return the option's value as a port number
     * @throws UsageException when it is not a number from 0 to 65535
     */
    int port(String name, int fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " must be a port number (0-65535), not '" + value + "'");
    }

    /** @return how long the exchange may take ({@code --timeout SECONDS}, default 10) */
    Duration timeout() {
        String value = options.get("timeout");
        if (value == null) {
            return DEFAULT_TIMEOUT;
        }
        try {
            long seconds = Long.parseLong(value);
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--timeout must be a positive number of seconds, not '" + value + "'");
    }

    /** A command line an example cannot run with; the example exits with status 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
