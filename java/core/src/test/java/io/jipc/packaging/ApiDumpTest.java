package io.jipc.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * jipc-core's public API (the packages its module exports) against {@code java/core/api/jipc-core.api}, and
 * jipc-proto's generated message types against {@code proto/api/jipc-proto.api} (names only: their members are
 * protoc's). Regenerate with {@code -Djipc.api.update=true}.
 */
class ApiDumpTest {
    @org.junit.jupiter.api.BeforeEach
    void onlyInJipcCore() {
        PackagingProbe.assumeModule("jipc-core");
    }

    @Test
    void jipcCoreExportsOnlyItsApi() throws Exception {
        Path classes = Path.of(PackagingProbe.required("jipc.packaging.classes"));
        assertEquals(Set.of("io.jipc"), ApiDump.exportedPackages(classes));
        ApiDump.check(Path.of("api/jipc-core.api"), ApiDump.members(ApiDump.classNames(classes,
                ApiDump.exportedPackages(classes))));
    }

    @Test
    void jipcProtoExportsItsMessageTypes() throws Exception {
        Path proto = null;
        for (String entry : PackagingProbe.runtimePath()) {
            if (entry.replace('\\', '/').matches(".*/proto/target/(classes|jipc-proto-[^/]*\\.jar)")) {
                proto = Path.of(entry);
            }
        }
        assertTrue(proto != null, "jipc-proto on the class path: " + PackagingProbe.runtimePath());
        Set<String> packages = ApiDump.exportedPackages(proto);
        assertEquals(Set.of("io.jipc.proto.v1"), packages);
        List<String> names = ApiDump.classNames(proto, packages);
        ApiDump.check(Path.of("../../proto/api/jipc-proto.api"), ApiDump.types(names), "java/core");
    }
}
