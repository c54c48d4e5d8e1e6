package io.jipc.cli;

import io.jipc.IpcException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code jipc} command line: {@code demo}, {@code serve}, {@code emit} and {@code listen} over node-ipc's wire
 * format, and {@code info} (version and transport), printing one JSON object per line; {@code bench} runs the
 * end-to-end benchmarks ({@code io.jipc.bench.Bench}, found at run time). {@code jipc --help} explains the commands.
 *
 * <p>Exit status: 0 success, 1 the command failed (connection error, timeout), 2 the command line is wrong.
 * {@link #run} runs a command in-process and returns the status; {@link #main} adds a shutdown hook so that SIGINT
 * or SIGTERM stops a command cleanly (closing its instance, which removes a served socket file).
 */
public final class Main {
    /** Exit status of a command line that cannot run. */
    static final int USAGE = 2;
    /** Exit status of a command that failed. */
    static final int FAILED = 1;
    /** Exit status of a command interrupted before it finished (128 + SIGINT). */
    static final int INTERRUPTED = 130;
    /** The command words, for messages. */
    private static final String COMMANDS = "commands: demo, serve, emit, listen, info, bench";

    private Main() {
    }

    /**
     * Runs the CLI and exits with its status.
     *
     * @param args the command line
     * @throws Exception from {@code jipc bench} when a benchmark fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "bench".equals(args[0])) {
            // the benchmark driver has its own command line and exits by itself
            BenchLauncher.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            // SIGINT/SIGTERM: interrupt the command, which then closes its instance; wait for that, bounded
            main.interrupt();
            try {
                main.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jipc-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = run(args, out, err);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return; // a signal stops the JVM already; the hook is waiting for this thread to end
        }
        System.exit(status);
    }

    /**
     * Runs a command line in this thread.
     *
     * @param args the command line, e.g. {@code serve --path /tmp/s --echo}
     * @param out where JSON lines and help go
     * @param err where error lines go
     * @return the exit status: 0, 1 (failed) or 2 (bad command line); a command stops early when this thread is
     *     interrupted ({@code serve} and {@code listen} without --count then return 0)
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Out o = new Out(out, err);
        List<String> list = Arrays.asList(args);
        Command command = null;
        try {
            if (list.isEmpty()) {
                throw new UsageException("no command given (run 'jipc --help')");
            }
            String first = list.get(0);
            if ("--version".equals(first)) {
                if (list.size() > 1) {
                    throw new UsageException("--version takes no arguments");
                }
                o.text("jipc " + InfoCommand.version() + "\n");
                return 0;
            }
            if ("--help".equals(first) || "-h".equals(first) || "help".equals(first)) {
                if (list.size() > 1 && "bench".equals(list.get(1))) {
                    throw new UsageException("run 'jipc bench --help' for the benchmarks' command line");
                }
                Command about = list.size() > 1 ? Command.of(list.get(1)) : null;
                if (list.size() > 1 && about == null) {
                    throw new UsageException("unknown command " + list.get(1) + " (" + COMMANDS + ")");
                }
                o.text(about == null ? Usage.GENERAL : Usage.of(about));
                return 0;
            }
            command = Command.of(first);
            if (command == null) {
                throw new UsageException((first.startsWith("-") ? "unknown option " : "unknown command ") + first
                        + " (" + COMMANDS + "; run 'jipc --help')");
            }
            Options options = Options.parse(command, list.subList(1, list.size()));
            if (options.help()) {
                o.text(Usage.of(command));
                return 0;
            }
            return command.runner().run(options, o);
        } catch (UsageException e) {
            o.error(e.getMessage());
            return USAGE;
        } catch (Failure e) {
            o.error(command.word() + ": " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        } catch (RuntimeException e) {
            o.error((command == null ? "" : command.word() + ": ")
                    + (e instanceof IpcException ? e.getMessage() : e.toString()));
            return FAILED;
        }
    }
}
