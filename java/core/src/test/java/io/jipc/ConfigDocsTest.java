package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's Configuration section names every {@link IpcConfig} option with the default the code has: the node-ipc
 * paragraph ({@code `retry` 500 ms, ...}) and the table of jipc additions ({@code | `flushTimeout` | 5 s | ...}).
 */
class ConfigDocsTest {
    /** Options whose default depends on the machine, with the README's words for it. */
    private static final Map<String, String> MACHINE_DEFAULTS = Map.of("id", "(host name)");

    @Test
    void shouldDocumentEveryOptionWithItsRealDefault() throws Exception {
        Map<String, String> documented = documentedDefaults();
        Set<String> options = options();
        assertTrue(options.size() >= 36, options.toString());
        List<String> problems = new ArrayList<>();
        IpcConfig defaults = IpcConfig.defaults();
        for (String option : options) {
            String text = documented.get(option);
            if (text == null) {
                problems.add(option + ": not in README's Configuration section");
                continue;
            }
            if (MACHINE_DEFAULTS.containsKey(option)) {
                if (!text.startsWith(MACHINE_DEFAULTS.get(option))) {
                    problems.add(option + ": README says '" + text + "'");
                }
                continue;
            }
            Object actual = IpcConfig.class.getMethod(option).invoke(defaults);
            if (!same(actual, text)) {
                problems.add(option + ": README says '" + text + "', IpcConfig.defaults() has " + actual);
            }
        }
        Set<String> stale = new TreeSet<>(documented.keySet());
        stale.removeAll(options);
        for (String name : stale) {
            problems.add(name + ": documented as an option, but IpcConfig has no such option");
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void shouldReadDefaultsTheWayTheReadmeWritesThem() {
        assertTrue(same(Duration.ofMillis(500), "500 ms"));
        assertTrue(same(Duration.ZERO, "0 (off)"));
        assertTrue(same(16L * 1024 * 1024, "16 MiB"));
        assertTrue(same(Backpressure.FAIL, "`FAIL`"));
        assertTrue(same(null, "none"));
        assertTrue(same(Set.of(), "none"));
        assertTrue(same(Integer.MAX_VALUE, "unlimited"));
        assertTrue(same("\f", "`\\f`"));
        assertTrue(!same(Duration.ofSeconds(5), "500 ms") && !same(100, "1000") && !same(true, "false"));
    }

    /** @return the option names: IpcConfig's fluent one-argument setters */
    private static Set<String> options() {
        Set<String> names = new TreeSet<>();
        for (Method m : IpcConfig.class.getMethods()) {
            if (m.getReturnType() == IpcConfig.class && m.getParameterCount() == 1
                    && !Modifier.isStatic(m.getModifiers())) {
                names.add(m.getName());
            }
        }
        return names;
    }

    /** @return option name → the default README states, from the Configuration section */
    private static Map<String, String> documentedDefaults() throws Exception {
        String readme = Files.readString(Path.of("../../README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n### Configuration");
        assertTrue(start >= 0, "README has no Configuration section");
        String section = readme.substring(start, readme.indexOf("\n### ", start + 1));
        Map<String, String> found = new LinkedHashMap<>();
        // the node-ipc paragraph: `name` value, `name`/`other` value, ...
        int p = section.indexOf("Every node-ipc option");
        String paragraph = section.substring(p, section.indexOf("\n\n", p)).replace('\n', ' ');
        paragraph = paragraph.substring(paragraph.indexOf(':') + 1);
        for (String item : paragraph.split(", (?=`)")) {
            Matcher m = Pattern.compile("^\\s*((?:`\\w+`/?)+)\\s+(.*?)\\.?$").matcher(item);
            if (m.find()) {
                for (String name : m.group(1).split("/")) {
                    found.put(name.replace("`", ""), m.group(2).trim());
                }
            }
        }
        // the table of jipc additions
        Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\| ([^|]+) \\|").matcher(section);
        while (row.find()) {
            found.put(row.group(1), row.group(2).trim());
        }
        return found;
    }

    /** @return whether README's words {@code text} state the value {@code actual} */
    static boolean same(Object actual, String text) {
        String t = text.replace("`", "").trim();
        if (t.equals("none") || t.startsWith("none (")) {
            return actual == null || actual instanceof Collection && ((Collection<?>) actual).isEmpty();
        }
        if (t.equals("unlimited")) {
            return Integer.valueOf(IpcConfig.MAX_RETRIES_UNLIMITED).equals(actual);
        }
        if (t.startsWith("0 (off)")) {
            return Duration.ZERO.equals(actual) || actual instanceof Number && ((Number) actual).longValue() == 0;
        }
        Matcher m = Pattern.compile("^(\\d+) (ms|s|MiB)\\b").matcher(t);
        if (m.find()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n).equals(actual);
                case "s":
                    return Duration.ofSeconds(n).equals(actual);
                default:
                    return actual instanceof Number && ((Number) actual).longValue() == n * 1024 * 1024;
            }
        }
        if (t.matches("\\d+")) {
            return actual instanceof Number && ((Number) actual).longValue() == Long.parseLong(t);
        }
        if (t.equals("true") || t.equals("false")) {
            return Boolean.valueOf(t).equals(actual);
        }
        if (actual instanceof Enum) {
            return ((Enum<?>) actual).name().equals(t);
        }
        String unescaped = t.replace("\\f", "\f").replace("\\n", "\n");
        return unescaped.equals(actual);
    }
}
