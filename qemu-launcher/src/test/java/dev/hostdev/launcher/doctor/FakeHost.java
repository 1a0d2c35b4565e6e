package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.sysfs.HostRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A host tree in a temporary directory for doctor tests: files under /proc, /sys, /dev, /etc and
 * /lib/modules (PCI devices come from the engine's {@code SysfsTree}). Never touches the real host.
 */
final class FakeHost {
    private final Path root;

    FakeHost(Path root) {
        this.root = root;
    }

    DoctorContext context() {
        return DoctorContext.of(new HostRoot(root));
    }

    Path root() {
        return root;
    }

    /** Writes a file at a host path such as {@code /proc/cmdline}. */
    FakeHost file(String hostPath, String content) {
        return bytes(hostPath, content.getBytes(StandardCharsets.UTF_8));
    }

    FakeHost bytes(String hostPath, byte[] content) {
        Path p = at(hostPath);
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    FakeHost dir(String hostPath) {
        try {
            Files.createDirectories(at(hostPath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A symbolic link at {@code hostPath} whose target is stored as given. */
    FakeHost link(String hostPath, String target) {
        Path p = at(hostPath);
        try {
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A character device at {@code hostPath}: a link to the real /dev/null, the one node every Linux has. */
    FakeHost charDevice(String hostPath) {
        return link(hostPath, "/dev/null");
    }

    /**
     * Removes the links that point out of the tree (the {@link #charDevice} stand-ins) so that
     * JUnit's clean-up of the temporary directory has nothing outside it to consider.
     */
    static void removeOutwardLinks(Path root) {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.filter(Files::isSymbolicLink).toList()) {
                if (Files.readSymbolicLink(p).isAbsolute()) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path at(String hostPath) {
        return root.resolve(hostPath.substring(1));
    }
}
