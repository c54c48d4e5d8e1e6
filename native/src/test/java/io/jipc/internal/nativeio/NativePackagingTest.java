package io.jipc.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jipc.packaging.PackagingProbe;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding jipc-native to an application switches it to the native transport with no code change, on the class path
 * and on the module path (where jipc-core finds the provider through its {@code uses} clause). The probe application
 * and its output are jipc-core's {@link PackagingProbe}; jipc-core's PackagingTest runs it without jipc-native.
 */
class NativePackagingTest {
    @TempDir
    Path dir;

    @Test
    void addingJipcNativeToTheClassPathSwitchesToNative() throws Exception {
        String out = PackagingProbe.run(dir, List.of("-cp", String.join(File.pathSeparator,
                PackagingProbe.runtimePath())));
        assertEquals("OK hello-world native (libjipc is available) module=unnamed", out);
    }

    @Test
    void addingJipcNativeToTheModulePathSwitchesToNative() throws Exception {
        String out = PackagingProbe.run(dir, List.of("--module-path", String.join(File.pathSeparator,
                PackagingProbe.runtimePath()), "--add-modules", "io.jipc,io.jipc.nativelib"));
        assertEquals("OK hello-world native (libjipc is available) module=io.jipc", out);
    }

    @Test
    void theModuleExportsOnlyTheBindingAndProvidesTheTransport() throws Exception {
        java.lang.module.ModuleDescriptor d;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(Path.of(
                PackagingProbe.required("jipc.packaging.classes"), "module-info.class"))) {
            d = java.lang.module.ModuleDescriptor.read(in);
        }
        assertEquals("io.jipc.nativelib", d.name());
        assertEquals(List.of("io.jipc.internal.nativeio.binding"), d.exports().stream()
                .map(java.lang.module.ModuleDescriptor.Exports::source).toList());
        assertEquals(List.of("io.jipc.internal.transport.TransportProvider with "
                + NativeTransportProvider.class.getName()), d.provides().stream()
                .map(p -> p.service() + " with " + String.join(",", p.providers())).toList());
    }
}
