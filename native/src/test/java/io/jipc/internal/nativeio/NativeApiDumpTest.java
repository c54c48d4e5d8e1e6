package io.jipc.internal.nativeio;

import io.jipc.packaging.ApiDump;
import io.jipc.packaging.PackagingProbe;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * jipc-native's public surface against {@code native/api/jipc-native.api}: the service it provides and the one
 * package it must export (the jnr-ffi binding interface). Regenerate with {@code -Djipc.api.update=true}.
 */
class NativeApiDumpTest {
    @Test
    void jipcNativeProvidesTheTransportAndExportsOnlyTheBinding() throws Exception {
        Path classes = Path.of(PackagingProbe.required("jipc.packaging.classes"));
        ModuleDescriptor d = ApiDump.descriptor(classes);
        List<String> lines = new ArrayList<>();
        lines.add("module " + d.name());
        d.provides().stream().map(p -> "provides " + p.service() + " with " + String.join(", ", p.providers()))
                .sorted().forEach(lines::add);
        lines.addAll(ApiDump.members(ApiDump.classNames(classes, ApiDump.exportedPackages(classes))));
        ApiDump.check(Path.of("api/jipc-native.api"), lines);
    }
}
