package io.jipc.internal.transport;

import java.util.Locale;

/**
 * The platform name as os-maven-plugin spells it ({@code linux-x86_64}, {@code osx-aarch_64}), which is also the
 * classifier of the jipc-native jar holding libjipc for it. Shared by the native loader and {@code Ipc.transportInfo}.
 */
public final class Platform {
    private Platform() {
    }

    /** @return this JVM's platform, from {@code os.name} and {@code os.arch} */
    public static String current() {
        return name(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /**
     * Names a platform.
     *
     * @param osName the {@code os.name} property
     * @param osArch the {@code os.arch} property
     * @return e.g. {@code linux-x86_64}, {@code linux-aarch_64}, {@code osx-aarch_64}
     */
    public static String name(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
        if (os.startsWith("linux")) {
            os = "linux";
        } else if (os.startsWith("macosx") || os.startsWith("osx") || os.startsWith("darwin")) {
            os = "osx";
        } else if (os.startsWith("windows")) {
            os = "windows";
        } else if (os.startsWith("freebsd")) {
            os = "freebsd";
        }
        String arch = osArch.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "");
        switch (arch) {
            case "amd64":
            case "x8664":
            case "x86_64":
            case "x64":
                arch = "x86_64";
                break;
            case "aarch64":
            case "arm64":
                arch = "aarch_64";
                break;
            case "x86":
            case "i386":
            case "i486":
            case "i586":
            case "i686":
                arch = "x86_32";
                break;
            default:
                break;
        }
        return os + "-" + arch;
    }
}
