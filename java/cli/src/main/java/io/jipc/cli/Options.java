package io.jipc.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed arguments of one command: options ({@code --name value}, {@code --name=value} or a flag) and
 * positional arguments, in any order; {@code --} ends the options.
 */
final class Options {
    private final Command command;
    private final Map<String, String> values = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();
    private boolean help;

    private Options(Command command) {
        this.command = command;
    }

    /**
     * @param command the command whose options are allowed
     * @param args the arguments after the command name
     * @return the parsed options
     * @throws UsageException naming an unknown option, a missing value or a wrong number of arguments
     */
    static Options parse(Command command, List<String> args) {
        Options o = new Options(command);
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("--") && !"-h".equals(arg)) {
                o.positionals.add(arg);
                continue;
            }
            if ("--".equals(arg)) {
                optionsEnded = true;
                continue;
            }
            if ("--help".equals(arg) || "-h".equals(arg)) {
                o.help = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (command.flags().contains(name)) {
                if (eq >= 0) {
                    throw new UsageException("option " + name + " of '" + command.word() + "' takes no value");
                }
                o.values.put(name, "true");
            } else if (command.valued().contains(name)) {
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException("option " + name + " of '" + command.word() + "' needs a value");
                }
                o.values.put(name, value);
            } else {
                throw new UsageException("unknown option " + name + " for '" + command.word() + "' (run 'jipc "
                        + command.word() + " --help')");
            }
        }
        if (o.help) {
            return o;
        }
        if (o.positionals.size() < command.minArguments()) {
            throw new UsageException("'" + command.word() + "' needs " + command.argumentNames() + " (run 'jipc "
                    + command.word() + " --help')");
        }
        if (o.positionals.size() > command.maxArguments()) {
            throw new UsageException("unexpected argument '" + o.positionals.get(command.maxArguments()) + "' for '"
                    + command.word() + "' (run 'jipc " + command.word() + " --help')");
        }
        return o;
    }

    /** @return the command these options belong to */
    Command command() {
        return command;
    }

    /** @return true when --help or -h was given */
    boolean help() {
        return help;
    }

    /** @return the positional arguments, in order */
    List<String> positionals() {
        return positionals;
    }

    /** @return whether the option was given */
    boolean has(String name) {
        return values.containsKey(name);
    }

    /** @return whether the flag was given */
    boolean flag(String name) {
        return values.containsKey(name);
    }

    /** @return the option's value, or null when not given */
    String value(String name) {
        return values.get(name);
    }

    /**
     * @param name the option
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @param fallback the value when the option is absent
     * @return the option as a long
     * @throws UsageException when it is not a whole number in {@code min..max}
     */
    long number(String name, long min, long max, long fallback) {
        String v = values.get(name);
        return v == null ? fallback : number(name, v, min, max);
    }

    /**
     * @param name the option the value was given for
     * @param v the value as typed
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return the value as a long
     * @throws UsageException naming the option when it is not a whole number in {@code min..max}
     */
    static long number(String name, String v, long min, long max) {
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("option " + name + " needs a whole number from " + min + " to " + max + ", not '" + v
                + "'");
    }

    /**
     * @param name an option holding a comma-separated list
     * @return the non-empty items in order, or null when the option is absent
     */
    Set<String> list(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        Set<String> items = new LinkedHashSet<>();
        for (String item : v.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        if (items.isEmpty()) {
            throw new UsageException("option " + name + " needs at least one event type");
        }
        return items;
    }
}
