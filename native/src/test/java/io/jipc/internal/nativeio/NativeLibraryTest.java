package io.jipc.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.Ipc;
import io.jipc.IpcConfig;
import io.jipc.IpcException;
import io.jipc.IpcServer;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader: where libjipc comes from, what it says when it cannot load it, and the fallback in a fresh JVM. */
class NativeLibraryTest {
    private static final String PLATFORM = "linux-x86_64";

    @TempDir
    Path dir;

    @Test
    void shouldMapPlatformsAsOsMavenPluginDoes() {
        assertEquals("linux-x86_64", NativeLibrary.platform("Linux", "amd64"));
        assertEquals("linux-x86_64", NativeLibrary.platform("Linux", "x86_64"));
        assertEquals("linux-aarch_64", NativeLibrary.platform("Linux", "aarch64"));
        assertEquals("osx-aarch_64", NativeLibrary.platform("Mac OS X", "aarch64"));
        assertEquals("osx-x86_64", NativeLibrary.platform("Mac OS X", "x86_64"));
        assertEquals("windows-x86_64", NativeLibrary.platform("Windows 11", "amd64"));
        assertEquals("/native/osx-aarch_64/libjipc.dylib", NativeLibrary.resourceFor("osx-aarch_64"));
        assertEquals("/native/linux-x86_64/libjipc.so", NativeLibrary.resourceFor("linux-x86_64"));
    }

    @Test
    void shouldLoadFromTheClasspathAndDeleteTheCopy() throws Exception {
        NativeLibrary.Loaded loaded = NativeLibrary.load(getClass().getClassLoader(), null, dir.toString(),
                PLATFORM);
        assertNull(loaded.cause);
        assertNotNull(loaded.lib);
        assertEquals(NativeLibrary.ABI_VERSION, loaded.lib.jipc_abi_version());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "the extracted copy is deleted once loaded");
        }
    }

    @Test
    void shouldSayWhichJarIsMissing() {
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        NativeLibrary.Loaded loaded = NativeLibrary.load(empty, null, dir.toString(), PLATFORM);
        assertNull(loaded.lib);
        assertTrue(loaded.cause.contains("no libjipc for linux-x86_64 on the classpath"), loaded.cause);
        assertTrue(loaded.cause.contains("io.jipc:jipc-native with classifier linux-x86_64"), loaded.cause);

        loaded = NativeLibrary.load(getClass().getClassLoader(), null, dir.toString(), "osx-aarch_64");
        assertTrue(loaded.cause.contains("no libjipc for osx-aarch_64"), loaded.cause);
    }

    @Test
    void shouldSayWhenTheWorkDirIsUnusable() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        String workDir = file.resolve("sub").toString();
        NativeLibrary.Loaded loaded = NativeLibrary.load(getClass().getClassLoader(), null, workDir, PLATFORM);
        assertNull(loaded.lib);
        assertTrue(loaded.cause.contains("cannot extract /native/linux-x86_64/libjipc.so into " + workDir),
                loaded.cause);
        assertTrue(loaded.cause.contains("jipc.native.workdir"), loaded.cause);
    }

    @Test
    void shouldLoadAnExplicitPathOrSayItIsMissing() throws Exception {
        Path copy = dir.resolve("libjipc.so");
        try (InputStream in = getClass().getResourceAsStream("/native/linux-x86_64/libjipc.so")) {
            Files.copy(in, copy);
        }
        NativeLibrary.Loaded loaded = NativeLibrary.load(getClass().getClassLoader(), copy.toString(), null,
                PLATFORM);
        assertNotNull(loaded.lib, loaded.cause);
        assertTrue(Files.exists(copy), "a library named by jipc.native.path is the user's: left in place");

        loaded = NativeLibrary.load(getClass().getClassLoader(), dir.resolve("nope.so").toString(), null, PLATFORM);
        assertNull(loaded.lib);
        assertTrue(loaded.cause.contains("nope.so: no such file"), loaded.cause);

        Path junk = Files.writeString(dir.resolve("junk.so"), "not an ELF file");
        loaded = NativeLibrary.load(getClass().getClassLoader(), junk.toString(), null, PLATFORM);
        assertNull(loaded.lib);
        assertTrue(loaded.cause.startsWith("cannot load libjipc from jipc.native.path=" + junk), loaded.cause);
    }

    @Test
    void shouldFailWithTheCauseWhenNativeIsForcedButCannotLoad() throws Exception {
        String out = probe("-Djipc.native.path=" + dir.resolve("missing.so"), "-Djipc.transport=native");
        assertTrue(out.contains("ERROR ENOTSUP the native transport was chosen by jipc.transport=native but is "
                + "unavailable: jipc.native.path=" + dir.resolve("missing.so") + ": no such file"), out);
    }

    @Test
    void shouldFallBackToNioWhenTheWorkDirIsUnusable() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        String out = probe("-Djipc.native.workdir=" + file, "-Djipc.transport=auto");
        assertTrue(out.contains("OK nio native transport unavailable: cannot extract"), out);
        assertTrue(out.contains("jipc.native.workdir"), out);
    }

    @Test
    void shouldPickNativeWhenItLoads() throws Exception {
        String out = probe("-Djipc.native.workdir=" + dir, "-Djipc.transport=auto");
        assertTrue(out.contains("OK native libjipc is available"), out);
    }

    /** Runs {@link Probe} in a fresh JVM (the load decision is made once per JVM) and returns what it printed. */
    private String probe(String... props) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(props));
        cmd.add(Probe.class.getName());
        cmd.add(dir.toString() + "/");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not end: " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Starts a server with the JVM's transport choice; prints {@code OK <transport> <reason>} or the error. */
    static final class Probe {
        private Probe() {
        }

        public static void main(String[] args) {
            Ipc ipc = Ipc.create(IpcConfig.defaults().id("probe").socketRoot(args[0]).silent(true));
            try {
                IpcServer server = ipc.serve();
                server.start();
                io.jipc.TransportInfo choice = Ipc.transportInfo(io.jipc.Transport.AUTO);
                System.out.println("OK " + choice.chosen().name().toLowerCase(java.util.Locale.ROOT) + " "
                        + choice.reason());
            } catch (IpcException e) {
                System.out.println("ERROR " + e.code() + " " + e.getMessage());
            } finally {
                ipc.close();
            }
        }
    }
}
