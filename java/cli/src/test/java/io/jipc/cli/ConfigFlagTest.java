package io.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.IpcConfig;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The CLI offers every {@link IpcConfig} option, or says why not; each flag reaches the config; help and README name it. */
class ConfigFlagTest {

    /** @return the names of IpcConfig's options: its fluent one-argument setters */
    static Set<String> ipcConfigOptions() {
        Set<String> names = new TreeSet<>();
        for (Method m : IpcConfig.class.getMethods()) {
            if (m.getReturnType() == IpcConfig.class && m.getParameterCount() == 1
                    && !Modifier.isStatic(m.getModifiers())) {
                names.add(m.getName());
            }
        }
        return names;
    }

    @Test
    void shouldOfferEveryIpcConfigOptionOrSayWhyNot() {
        Set<String> options = ipcConfigOptions();
        assertTrue(options.containsAll(List.of("retry", "wire", "idleTimeout", "allowedUids")), options.toString());
        List<String> missing = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        for (ConfigFlag f : ConfigFlag.values()) {
            assertTrue(covered.add(f.option()) || f.option().equals("networkPort"), "two flags set " + f.option());
        }
        for (String option : options) {
            int places = (covered.contains(option) ? 1 : 0) + (ConfigFlag.ADDRESS_AND_TLS.containsKey(option) ? 1 : 0)
                    + (ConfigFlag.NOT_ON_THE_COMMAND_LINE.containsKey(option) ? 1 : 0);
            if (places == 0) {
                missing.add(option);
            }
            assertTrue(places <= 1, option + " is declared in more than one place");
        }
        assertEquals(List.of(), missing, "IpcConfig options with neither a CLI flag nor a reason for having none");
        Set<String> stale = new TreeSet<>(covered);
        stale.addAll(ConfigFlag.ADDRESS_AND_TLS.keySet());
        stale.addAll(ConfigFlag.NOT_ON_THE_COMMAND_LINE.keySet());
        stale.removeAll(options);
        assertEquals(Set.of(), stale, "declared names that are no IpcConfig option");
        ConfigFlag.NOT_ON_THE_COMMAND_LINE.forEach((o, why) -> assertFalse(why.isBlank(), o));
    }

    @Test
    void shouldCarryEveryFlagIntoTheConfig() throws Exception {
        IpcConfig defaults = IpcConfig.defaults();
        for (ConfigFlag f : ConfigFlag.values()) {
            for (Command command : List.of(Command.SERVE, Command.EMIT, Command.LISTEN)) {
                if (!f.appliesTo(command)) {
                    continue;
                }
                List<String> args = new ArrayList<>(List.of("--path", "/tmp/jipc-flag-test"));
                if (command == Command.EMIT) {
                    args.add("type");
                }
                args.add(f.flag());
                if (!f.isSwitch()) {
                    args.add(f.example());
                }
                Options o = Options.parse(command, args);
                Address address = Address.from(o, command == Command.SERVE);
                IpcConfig c = command == Command.SERVE ? Setup.server(o, address) : Setup.client(o, address);
                Method getter = IpcConfig.class.getMethod(f.option());
                assertNotEquals(getter.invoke(defaults), getter.invoke(c), command + " " + args + " left "
                        + f.option() + " at its default");
                // what the flag set passes the config's own validation
                c.copy().validate();
            }
        }
    }

    @Test
    void shouldAcceptTheAddressAndTlsFlagsOnEveryConnectingCommand() {
        for (Command command : List.of(Command.SERVE, Command.EMIT, Command.LISTEN)) {
            for (String flag : ConfigFlag.ADDRESS_AND_TLS.values()) {
                assertTrue(command.valued().contains(flag) || command.flags().contains(flag), command + " " + flag);
            }
        }
    }

    @Test
    void shouldRejectBadValuesNamingTheFlag() {
        for (String[] bad : List.of(new String[] {"--idle-timeout", "-1"}, new String[] {"--backpressure", "wait"},
                new String[] {"--allowed-uids", "root"}, new String[] {"--high-water-mark", "0"},
                new String[] {"--handshake-timeout", "0"}, new String[] {"--wire", "xml"})) {
            Cli cli = Cli.run("serve", "--path", "/tmp/jipc-flag-test", bad[0], bad[1]);
            assertEquals(2, cli.status(), String.join(" ", bad));
            assertTrue(String.join("\n", cli.err.all()).contains(bad[0]), cli.err.all().toString());
        }
    }

    @Test
    void shouldNameEveryFlagInTheHelpAndTheReadme() throws Exception {
        String readme = Files.readString(Path.of("../../README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## CLI");
        String cliSection = readme.substring(start, readme.indexOf("\n## ", start + 1));
        for (Command command : Command.values()) {
            Set<String> all = new TreeSet<>(command.valued());
            all.addAll(command.flags());
            String help = Usage.of(command);
            for (String flag : all) {
                assertTrue(help.contains(flag + " ") || help.contains(flag + "\n") || help.contains(flag + "]")
                        || help.contains(flag + ","), command + " help lacks " + flag);
                assertTrue(Pattern.compile("(?<![\\w-])" + flag + "(?![\\w-])").matcher(cliSection).find(),
                        "README's CLI section lacks " + flag);
            }
        }
    }
}
