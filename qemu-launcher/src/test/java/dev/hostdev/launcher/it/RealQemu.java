package dev.hostdev.launcher.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the real qemu-system-x86_64 for the integration tests, which are skipped (saying why) without it. */
final class RealQemu {
    private RealQemu() {
    }

    static Optional<Path> binary() {
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

    static final String SKIP = "qemu-system-x86_64 is not installed (Debian: apt-get install qemu-system-x86)";
}
