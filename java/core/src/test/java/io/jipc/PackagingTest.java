package io.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jipc.packaging.PackagingProbe;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jipc-core on its own: an application with only jipc-core and its run-time dependencies (no jnr-ffi, no jipc-native)
 * serves and connects on NIO, on the class path and on the module path, and asking for the native transport there
 * fails with {@code ENOTSUP} naming the artifact to add. jipc-native's NativePackagingTest shows the other half:
 * adding it switches to native.
 */
class PackagingTest {
    @org.junit.jupiter.api.BeforeEach
    void onlyInJipcCore() {
        PackagingProbe.assumeModule("jipc-core");
    }

    @TempDir
    Path dir;

    @Test
    void jipcCoreAloneCarriesNoNativeBinding() throws Exception {
        for (String entry : PackagingProbe.runtimePath()) {
            assertTrue(!entry.contains("jnr") && !entry.contains("jffi") && !entry.contains("jipc-native")
                    && !entry.contains("/native/target"), "jipc-core's run-time class path holds " + entry);
        }
    }

    @Test
    void servesAndConnectsWithJipcCoreAloneOnTheClassPath() throws Exception {
        String out = PackagingProbe.run(dir, List.of("-cp", String.join(File.pathSeparator,
                PackagingProbe.runtimePath())));
        assertTrue(out.startsWith("OK hello-world nio (native transport unavailable: the native transport is not on "
                + "the class or module path: add io.jipc:jipc-native"), out);
        assertTrue(out.endsWith("module=unnamed"), out);
    }

    @Test
    void forcingNativeWithoutJipcNativeNamesTheMissingArtifact() throws Exception {
        String out = PackagingProbe.run(dir, List.of("-Djipc.transport=native", "-cp",
                String.join(File.pathSeparator, PackagingProbe.runtimePath())));
        assertEquals("ERROR ENOTSUP the native transport was chosen by jipc.transport=native but is unavailable: "
                + "the native transport is not on the class or module path: add io.jipc:jipc-native (the main jar and "
                + "the jar classified with your platform, e.g. linux-x86_64)", out);
    }

    @Test
    void servesAndConnectsOnTheModulePath() throws Exception {
        String out = PackagingProbe.run(dir, List.of("--module-path", String.join(File.pathSeparator,
                PackagingProbe.runtimePath()), "--add-modules", "io.jipc"));
        assertTrue(out.startsWith("OK hello-world nio ("), out);
        assertTrue(out.endsWith("module=io.jipc"), out);
    }
}
