package dev.hostdev.engine.sysfs;

import dev.hostdev.engine.HostdevException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The directory that stands for the host's {@code /}: {@code /} itself in real use, a temporary
 * tree in tests ({@code --root DIR}, {@code HOSTDEV_ROOT}). Every host path Hostdev touches is
 * resolved here, and nothing resolved here can leave the root.
 */
public final class HostRoot {
    private final Path root;

    /** @param root the directory standing for the host's {@code /} */
    public HostRoot(Path root) {
        this.root = Objects.requireNonNull(root).toAbsolutePath().normalize();
    }

    /** The host's real root, {@code /}. */
    public static HostRoot system() {
        return new HostRoot(Path.of("/"));
    }

    /** The root directory itself. */
    public Path path() {
        return root;
    }

    /** Whether this is the real {@code /} of the machine. */
    public boolean isSystemRoot() {
        return root.getParent() == null;
    }

    /**
     * Resolves a host path such as {@code /sys/bus/pci/devices} under the root.
     *
     * @throws HostdevException (usage) if the path holds a NUL or would leave the root
     */
    public Path resolve(String hostPath) {
        if (hostPath.indexOf('\0') >= 0) {
            throw HostdevException.usage("path contains a NUL byte: " + hostPath.replace('\0', '?'), null);
        }
        String relative = hostPath;
        while (relative.startsWith("/")) {
            relative = relative.substring(1);
        }
        Path resolved = root.resolve(relative).normalize();
        if (!resolved.startsWith(root)) {
            throw HostdevException.usage("path leaves the host root: " + hostPath, null);
        }
        return resolved;
    }

    /** Shows a resolved path the way the host would name it, e.g. {@code /sys/bus/pci/drivers_probe}. */
    public String display(Path resolved) {
        Path rel = root.relativize(resolved.toAbsolutePath().normalize());
        return "/" + rel.toString();
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
