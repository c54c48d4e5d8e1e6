package io.jipc.internal.nativeio;

import io.jipc.internal.nativeio.binding.LibJipc;
import io.jipc.internal.transport.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Finds and loads libjipc, once per class loader, at class initialisation. The library comes from the classpath
 * (the {@code io.jipc:jipc-native:<version>:<platform>} jar holds {@code /native/<platform>/libjipc.so}, {@code
 * libjipc.dylib} on macOS): it is copied
 * to a private temporary file (owner-only), loaded, and the file deleted again. System properties:
 * {@code jipc.native.path} loads that file instead (nothing copied), {@code jipc.native.workdir} is where the
 * temporary copy goes (default {@code java.io.tmpdir}).
 *
 * <p>{@link #isAvailable()} and {@link #unavailabilityCause()} report the outcome; nothing here throws.
 */
public final class NativeLibrary {
    /** The C layer's ABI this Java side was written against ({@code JIPC_ABI} in jipc_errno.c). */
    static final int ABI_VERSION = 2;

    private static final Loaded LOADED = load(NativeLibrary.class.getClassLoader(),
            System.getProperty("jipc.native.path"), System.getProperty("jipc.native.workdir"),
            platform(System.getProperty("os.name", ""), System.getProperty("os.arch", "")));

    private NativeLibrary() {
    }

    /** The outcome of one load attempt: the bound library and its errno table, or why there is none. */
    static final class Loaded {
        final LibJipc lib;
        final int[] errnos;
        final String cause;

        private Loaded(LibJipc lib, int[] errnos, String cause) {
            this.lib = lib;
            this.errnos = errnos;
            this.cause = cause;
        }

        static Loaded failed(String cause) {
            return new Loaded(null, null, cause);
        }
    }

    /** @return true when libjipc loaded and the native transport can be used */
    public static boolean isAvailable() {
        return LOADED.lib != null;
    }

    /** @return why the native transport cannot be used, or null when it can */
    public static String unavailabilityCause() {
        return LOADED.cause;
    }

    /**
     * The binding itself, for benchmarks and diagnostics that measure the C layer (jipc's own code goes through its
     * package's wrappers, which turn {@code -errno} into exceptions). Internal: no compatibility promise.
     *
     * @return the loaded library
     * @throws IllegalStateException naming the cause when libjipc is unavailable
     */
    public static LibJipc lib() {
        Loaded l = LOADED;
        if (l.lib == null) {
            throw new IllegalStateException("libjipc is unavailable: " + l.cause);
        }
        return l.lib;
    }

    static Loaded loaded() {
        return LOADED;
    }

    /**
     * The platform name as os-maven-plugin spells it, which is also the native jar's classifier.
     *
     * @param osName the {@code os.name} property
     * @param osArch the {@code os.arch} property
     * @return e.g. {@code linux-x86_64}, {@code linux-aarch_64}, {@code osx-aarch_64}
     */
    public static String platform(String osName, String osArch) {
        return Platform.name(osName, osArch);
    }

    /** @return the resource path of the library for a platform, e.g. {@code /native/linux-x86_64/libjipc.so} */
    static String resourceFor(String platform) {
        return "/native/" + platform + "/libjipc" + (platform.startsWith("osx-") ? ".dylib" : ".so");
    }

    /**
     * One load attempt (the tests call this directly with other inputs).
     *
     * @param loader where to look for the library resource
     * @param path {@code jipc.native.path}, or null
     * @param workDir {@code jipc.native.workdir}, or null for {@code java.io.tmpdir}
     * @param platform the platform name
     * @return the library, or the cause why there is none
     */
    static Loaded load(ClassLoader loader, String path, String workDir, String platform) {
        try {
            if (path != null && !path.isEmpty()) {
                Path file = Path.of(path).toAbsolutePath();
                if (!Files.isRegularFile(file)) {
                    return Loaded.failed("jipc.native.path=" + path + ": no such file");
                }
                return bind(file, "jipc.native.path=" + path);
            }
            String resource = resourceFor(platform);
            try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource.substring(1))
                    : loader.getResourceAsStream(resource.substring(1))) {
                if (in == null) {
                    return Loaded.failed("no libjipc for " + platform + " on the classpath (add the jar "
                            + "io.jipc:jipc-native with classifier " + platform + "; it holds " + resource + ")");
                }
                Path dir = Path.of(workDir != null && !workDir.isEmpty() ? workDir
                        : System.getProperty("java.io.tmpdir"));
                Path copy;
                try {
                    copy = Files.createTempFile(dir, "libjipc-", resource.substring(resource.lastIndexOf('.')),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (IOException | UnsupportedOperationException e) {
                    return Loaded.failed("cannot extract " + resource + " into " + dir + " (set jipc.native.workdir "
                            + "to a writable directory): " + e);
                }
                try {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                    return bind(copy, resource);
                } finally {
                    // the mapping stays valid once loaded; the file is not needed any more
                    Files.deleteIfExists(copy);
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            return Loaded.failed("cannot load libjipc: " + e);
        }
    }

    private static Loaded bind(Path file, String origin) {
        LibJipc lib;
        try {
            lib = jnr.ffi.LibraryLoader.create(LibJipc.class).failImmediately().load(file.toString());
        } catch (RuntimeException | LinkageError e) {
            return Loaded.failed("cannot load libjipc from " + origin + ": " + e.getMessage());
        }
        int abi = lib.jipc_abi_version();
        if (abi != ABI_VERSION) {
            return Loaded.failed("libjipc from " + origin + " has ABI version " + abi + ", this jipc needs "
                    + ABI_VERSION + " (use the jipc-native jar of the same jipc version)");
        }
        int[] errnos = new int[NativeIo.ERRNO_COUNT];
        int n = lib.jipc_errnos(errnos, errnos.length);
        if (n < errnos.length) {
            return Loaded.failed("libjipc from " + origin + " reports " + n + " errno values, expected "
                    + errnos.length);
        }
        return new Loaded(lib, errnos, null);
    }
}
