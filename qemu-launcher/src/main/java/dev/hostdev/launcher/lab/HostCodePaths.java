package dev.hostdev.launcher.lab;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The host directories this JVM's code comes from: the lab guest runs Hostdev (and the native tests'
 * classes) from them through the read-only 9p view of the host's {@code /}. The guest mounts tmpfs on
 * {@code /tmp}, {@code /run}, {@code /var/tmp} and {@code /var/lock}, which would hide a checkout or a
 * build living there (a CI clone under {@code /tmp}, say), so its init bind-mounts these directories
 * back at the same paths.
 */
final class HostCodePaths {
    private HostCodePaths() {
    }

    /**
     * Every class path entry's directory (a jar's parent, a class directory itself), and for a Maven
     * {@code classes} or {@code test-classes} directory also the {@code target} directory around it,
     * where the shaded {@code hostdev.jar} is built.
     */
    static List<Path> ofThisJvm() {
        Set<Path> dirs = new LinkedHashSet<>();
        for (String property : List.of("java.class.path", "surefire.test.class.path", "hostdev.jar")) {
            String value = System.getProperty(property);
            if (value == null || value.isBlank()) {
                continue;
            }
            for (String entry : value.split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path p = Path.of(entry).toAbsolutePath().normalize();
                Path dir = Files.isDirectory(p) ? p : p.getParent();
                if (dir == null) {
                    continue;
                }
                dirs.add(dir);
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                if ((name.equals("classes") || name.equals("test-classes")) && dir.getParent() != null) {
                    dirs.add(dir.getParent());
                }
            }
        }
        return List.copyOf(dirs);
    }
}
