package io.jipc.packaging;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The committed API dump of a jipc artifact ({@code <module>/api/<artifact>.api}) and the check that the built classes
 * still match it. The dump is made by reflection: one line per public type (modifiers, kind, supertypes), then one per
 * public or protected constructor, method and field, in their {@code toGenericString} form, sorted, so that any change
 * of the public API shows as a diff of this file in review. {@code -Djipc.api.update=true} rewrites the file instead of
 * failing (then commit it).
 */
public final class ApiDump {
    /** The system property that rewrites the dumps instead of checking them. */
    public static final String UPDATE = "jipc.api.update";

    private ApiDump() {
    }

    /**
     * @param classes a classes directory or jar
     * @return the packages a module there exports without qualification (empty when it has no module-info)
     * @throws IOException when it cannot be read
     */
    public static Set<String> exportedPackages(Path classes) throws IOException {
        ModuleDescriptor d = descriptor(classes);
        Set<String> out = new TreeSet<>();
        if (d != null) {
            d.exports().stream().filter(e -> !e.isQualified()).forEach(e -> out.add(e.source()));
        }
        return out;
    }

    /**
     * @param classes a classes directory or jar
     * @return its module descriptor, or null without one
     * @throws IOException when it cannot be read
     */
    public static ModuleDescriptor descriptor(Path classes) throws IOException {
        if (Files.isDirectory(classes)) {
            Path info = classes.resolve("module-info.class");
            if (!Files.exists(info)) {
                return null;
            }
            try (var in = Files.newInputStream(info)) {
                return ModuleDescriptor.read(in);
            }
        }
        try (JarFile jar = new JarFile(classes.toFile())) {
            JarEntry e = jar.getJarEntry("module-info.class");
            if (e == null) {
                return null;
            }
            try (var in = jar.getInputStream(e)) {
                return ModuleDescriptor.read(in);
            }
        }
    }

    /**
     * @param classes a classes directory or jar
     * @param packages the packages whose public types count
     * @return the binary names of the classes in those packages (nested ones included)
     * @throws IOException when it cannot be read
     */
    public static List<String> classNames(Path classes, Set<String> packages) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(classes)) {
            try (Stream<Path> all = Files.walk(classes)) {
                all.map(p -> classes.relativize(p).toString().replace('\\', '/')).forEach(names::add);
            }
        } else {
            try (JarFile jar = new JarFile(classes.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                    names.add(e.nextElement().getName());
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (!n.endsWith(".class") || n.endsWith("module-info.class") || n.endsWith("package-info.class")) {
                continue;
            }
            String binary = n.substring(0, n.length() - ".class".length()).replace('/', '.');
            int dot = binary.lastIndexOf('.');
            if (dot > 0 && packages.contains(binary.substring(0, dot))) {
                out.add(binary);
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Dumps types with all their public and protected members.
     *
     * @param classNames binary class names, loadable here
     * @return the dump's lines
     * @throws ClassNotFoundException when one cannot be loaded
     */
    public static List<String> members(List<String> classNames) throws ClassNotFoundException {
        return dump(classNames, true);
    }

    /**
     * Dumps only the types (e.g. generated protobuf classes, whose members are protoc's, not ours).
     *
     * @param classNames binary class names, loadable here
     * @return the dump's lines
     * @throws ClassNotFoundException when one cannot be loaded
     */
    public static List<String> types(List<String> classNames) throws ClassNotFoundException {
        return dump(classNames, false);
    }

    private static List<String> dump(List<String> classNames, boolean withMembers) throws ClassNotFoundException {
        List<String> lines = new ArrayList<>();
        for (String name : classNames) {
            Class<?> c = Class.forName(name, false, ApiDump.class.getClassLoader());
            if (!visible(c)) {
                continue;
            }
            lines.add(header(c));
            if (!withMembers) {
                continue;
            }
            Set<String> members = new TreeSet<>();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                add(members, k, k.toGenericString());
            }
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isBridge()) {
                    add(members, m, m.toGenericString());
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (!f.isSynthetic() && (Modifier.isPublic(f.getModifiers()) || Modifier.isProtected(
                        f.getModifiers()))) {
                    members.add("  " + f.toGenericString());
                }
            }
            lines.addAll(members);
        }
        return lines;
    }

    private static void add(Set<String> members, Executable e, String text) {
        int mod = e.getModifiers();
        // a method with '$' in its name: a Kotlin internal member, public in bytecode under a mangled name
        boolean mangled = e instanceof Method && e.getName().contains("$");
        if (!e.isSynthetic() && !mangled && (Modifier.isPublic(mod) || Modifier.isProtected(mod))) {
            members.add("  " + text);
        }
    }

    /** @return true for a public type reachable from outside: itself and every enclosing type public */
    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isSynthetic() || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static String header(Class<?> c) {
        StringBuilder b = new StringBuilder();
        String mods = Modifier.toString(c.getModifiers() & ~(Modifier.INTERFACE | Modifier.ABSTRACT * (c.isInterface()
                ? 1 : 0)));
        if (!mods.isEmpty()) {
            b.append(mods).append(' ');
        }
        b.append(c.isAnnotation() ? "@interface " : c.isInterface() ? "interface " : c.isEnum() ? "enum "
                : c.isRecord() ? "record " : "class ").append(c.getName());
        if (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum() && !c.isRecord()) {
            b.append(" extends ").append(c.getGenericSuperclass().getTypeName());
        }
        Set<String> interfaces = new TreeSet<>();
        for (java.lang.reflect.Type t : c.getGenericInterfaces()) {
            interfaces.add(t.getTypeName());
        }
        if (!interfaces.isEmpty()) {
            b.append(c.isInterface() ? " extends " : " implements ").append(String.join(", ", interfaces));
        }
        return b.toString();
    }

    /**
     * Compares a dump with the committed file, or rewrites the file under {@code -Djipc.api.update=true}.
     *
     * @param file the committed dump, e.g. {@code api/jipc-core.api}
     * @param lines the dump of the classes as built
     * @throws IOException when the file cannot be read or written
     */
    public static void check(Path file, List<String> lines) throws IOException {
        check(file, lines, "the module");
    }

    /**
     * As {@link #check(Path, List)}, for a dump checked from another module's tests.
     *
     * @param file the committed dump
     * @param lines the dump of the classes as built
     * @param where the module whose tests check it, for the file's header
     * @throws IOException when the file cannot be read or written
     */
    public static void check(Path file, List<String> lines, String where) throws IOException {
        String header = "# The public API of " + file.getFileName().toString().replace(".api", "") + ", checked by the "
                + "build (io.jipc.packaging.ApiDump).\n# After an intended API change: mvn test -Djipc.api.update=true "
                + "in " + where + ", then commit this file.\n";
        String text = header + String.join("\n", lines) + "\n";
        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(file)) {
            fail(file.toAbsolutePath() + " is missing: make it with mvn test -D" + UPDATE + "=true and commit it");
        }
        List<String> committed = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!l.startsWith("#")) {
                committed.add(l);
            }
        }
        if (committed.equals(lines)) {
            return;
        }
        Set<String> before = new HashSet<>(committed);
        Set<String> after = new HashSet<>(lines);
        StringBuilder diff = new StringBuilder();
        committed.stream().filter(Predicate.not(after::contains)).forEach(l -> diff.append("\n- ").append(l));
        lines.stream().filter(Predicate.not(before::contains)).forEach(l -> diff.append("\n+ ").append(l));
        if (diff.length() == 0) {
            diff.append("\n(the same lines in another order)");
        }
        fail("the public API differs from " + file.toAbsolutePath() + " (- committed, + built):" + diff
                + "\nIf the change is intended: mvn test -D" + UPDATE + "=true in that module, then commit the file.");
    }
}
