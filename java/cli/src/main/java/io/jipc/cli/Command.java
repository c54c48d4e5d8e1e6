package io.jipc.cli;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The CLI's commands, with the options and arguments each accepts. */
enum Command {
    DEMO(0, 0, "", Set.of(), Set.of(), DemoCommand::run),
    SERVE(0, 0, "", join(Setup.VALUED, Set.of("--events")), join(Setup.FLAGS, Set.of("--echo", "--relay")),
            ServeCommand::run),
    EMIT(1, 2, "TYPE", join(Setup.VALUED, Set.of("--wait", "--count", "--timeout")), Setup.FLAGS, EmitCommand::run),
    LISTEN(0, 0, "", join(Setup.VALUED, Set.of("--count", "--timeout", "--events")), Setup.FLAGS,
            ListenCommand::run),
    INFO(0, 0, "", Set.of(), Set.of(), InfoCommand::run);

    /** What runs a command; returns the exit status. */
    @FunctionalInterface
    interface Runner {
        int run(Options options, Out out) throws InterruptedException;
    }

    private final int minArguments;
    private final int maxArguments;
    private final String argumentNames;
    private final Set<String> valued;
    private final Set<String> flags;
    private final Runner runner;

    Command(int minArguments, int maxArguments, String argumentNames, Set<String> valued, Set<String> flags,
            Runner runner) {
        this.minArguments = minArguments;
        this.maxArguments = maxArguments;
        this.argumentNames = argumentNames;
        this.valued = valued;
        this.flags = flags;
        this.runner = runner;
    }

    /**
     * @param word a command name as typed
     * @return the command, or null when there is none by that name
     */
    static Command of(String word) {
        for (Command c : values()) {
            if (c.word().equals(word)) {
                return c;
            }
        }
        return null;
    }

    /** @return the command's name on the command line */
    String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    int minArguments() {
        return minArguments;
    }

    int maxArguments() {
        return maxArguments;
    }

    String argumentNames() {
        return argumentNames;
    }

    /** @return options that take a value: the command's own and its {@link ConfigFlag}s */
    Set<String> valued() {
        return join(valued, ConfigFlag.flags(this, true));
    }

    /** @return options that take no value: the command's own and its {@link ConfigFlag}s */
    Set<String> flags() {
        return join(flags, ConfigFlag.flags(this, false));
    }

    Runner runner() {
        return runner;
    }

    private static Set<String> join(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }
}
