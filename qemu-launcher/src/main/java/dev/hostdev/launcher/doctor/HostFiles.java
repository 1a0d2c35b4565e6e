package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.sysfs.HostRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Read-only access to the host's {@code /proc}, {@code /dev}, {@code /etc} and {@code /lib/modules}
 * under a {@link HostRoot}, the way {@link dev.hostdev.engine.sysfs.Sysfs} is for {@code /sys}.
 * Reads answer empty for a missing or unreadable file: the checks decide what absence means.
 */
public final class HostFiles {
    private final HostRoot root;

    /** @param root the directory standing for the host's {@code /} */
    public HostFiles(HostRoot root) {
        this.root = root;
    }

    /** The root these files live under. */
    public HostRoot root() {
        return root;
    }

    /** Resolves a host path, e.g. {@code /proc/cmdline}, under the root. */
    public Path path(String hostPath) {
        return root.resolve(hostPath);
    }

    /** The file's text, or empty when it is absent or unreadable. */
    public Optional<String> read(String hostPath) {
        try {
            return Optional.of(Files.readString(path(hostPath), StandardCharsets.UTF_8));
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The file's lines, or an empty list when it is absent or unreadable. */
    public List<String> lines(String hostPath) {
        return read(hostPath).map(s -> s.lines().toList()).orElse(List.of());
    }

    /** Whether the path exists (following links). */
    public boolean exists(String hostPath) {
        return Files.exists(path(hostPath));
    }

    /** The names in a directory, sorted; empty when it is absent. */
    public List<String> list(String hostPath) {
        Path dir = path(hostPath);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(e -> names.add(e.getFileName().toString()));
        } catch (IOException e) {
            return List.of();
        }
        Collections.sort(names);
        return names;
    }

    /** Owner, group and permission bits of a file, or empty when it is absent. */
    public Optional<FileOwnership> ownership(String hostPath) {
        Path p = path(hostPath);
        try {
            int uid = (Integer) Files.getAttribute(p, "unix:uid");
            int gid = (Integer) Files.getAttribute(p, "unix:gid");
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            boolean charDevice = (mode & 0170000) == 0020000;
            return Optional.of(new FileOwnership(uid, gid, mode & 07777, charDevice));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
