package dev.hostdev.launcher.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the real qemu-system-x86_64 (and a kernel to boot in it) for the integration tests, which are
 * skipped (saying why) without them.
 */
public final class RealQemu {
    private RealQemu() {
    }

    /** qemu-system-x86_64 on the PATH. */
    public static Optional<Path> binary() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, "qemu-system-x86_64");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** This machine's own kernel ({@code /boot/vmlinuz-*}; Debian: linux-image-amd64), whichever version it is. */
    public static Optional<Path> hostKernel() {
        Path boot = Path.of("/boot");
        if (!Files.isDirectory(boot)) {
            return Optional.empty();
        }
        try (java.util.stream.Stream<Path> s = Files.list(boot)) {
            return s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-") && Files.isReadable(p)).sorted().findFirst();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    public static final String SKIP = "qemu-system-x86_64 is not installed (Debian: apt-get install qemu-system-x86)";
}
