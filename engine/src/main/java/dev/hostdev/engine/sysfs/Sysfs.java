package dev.hostdev.engine.sysfs;

import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The only code that reads or writes {@code /sys}. Paths are given relative to {@code /sys}
 * (e.g. {@code bus/pci/devices/0000:00:02.0/vendor}) and resolved under a {@link HostRoot}; a
 * name that would leave the tree is refused. Reads never throw for a missing attribute (sysfs
 * attributes come and go with drivers): they answer empty.
 */
public final class Sysfs {
    private final HostRoot root;
    private final AttributeWriter writer;

    /** @param root the host root; writes go through the C library ({@link NativeAttributeWriter}) */
    public Sysfs(HostRoot root) {
        this(root, new NativeAttributeWriter());
    }

    /** @param writer how writes reach the kernel (a simulated kernel in tests) */
    public Sysfs(HostRoot root, AttributeWriter writer) {
        this.root = root;
        this.writer = writer;
    }

    /** The host root this sysfs lives under. */
    public HostRoot root() {
        return root;
    }

    /** Resolves a path relative to {@code /sys}; rejects names that leave the tree. */
    public Path path(String sysRelative) {
        return root.resolve("/sys/" + sysRelative);
    }

    /** Whether the path exists (following links). */
    public boolean exists(String sysRelative) {
        return Files.exists(path(sysRelative));
    }

    /** The attribute's text with surrounding white space trimmed, or empty if it is absent or unreadable. */
    public Optional<String> read(String sysRelative) {
        try {
            return Optional.of(Files.readString(path(sysRelative), StandardCharsets.UTF_8).trim());
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The raw bytes of an attribute (e.g. {@code config}), or empty if absent or unreadable. */
    public Optional<byte[]> readBytes(String sysRelative, int max) {
        Path p = path(sysRelative);
        try (var in = Files.newInputStream(p)) {
            return Optional.of(in.readNBytes(max));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads the start of an attribute into {@code buffer} with a single read(), without allocating: for
     * listings that read thousands of small attributes ({@code config}, {@code class}). A sysfs
     * attribute hands over its whole text (up to the size asked) in one read.
     *
     * @return the number of bytes read (0 for an empty attribute), or -1 if it is absent or unreadable
     */
    public int readInto(String sysRelative, byte[] buffer, int max) {
        try (java.io.FileInputStream in = new java.io.FileInputStream(path(sysRelative).toString())) {
            return Math.max(0, in.read(buffer, 0, max));
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * A directory under {@code /sys} resolved (and checked to lie inside the root) once, whose
     * attributes are then read by bare name: a listing reads five attributes of each of thousands of
     * devices, and resolving each path afresh costs more than reading it.
     */
    public AttributeDirectory directory(String sysRelative) {
        return new AttributeDirectory(path(sysRelative).toString() + "/");
    }

    /** See {@link #directory(String)}. Attribute names are plain names: no {@code /}, never {@code ..}. */
    public static final class AttributeDirectory {
        private final String base;

        private AttributeDirectory(String base) {
            this.base = base;
        }

        private String attribute(String name) {
            if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0 || name.equals("..")
                    || name.equals(".")) {
                throw new IllegalArgumentException("not an attribute name: " + name);
            }
            return base + name;
        }

        /** As {@link Sysfs#readInto(String, byte[], int)}, for an attribute of this directory. */
        public int readInto(String name, byte[] buffer, int max) {
            try (java.io.FileInputStream in = new java.io.FileInputStream(attribute(name))) {
                return Math.max(0, in.read(buffer, 0, max));
            } catch (IOException e) {
                return -1;
            }
        }

        /** As {@link Sysfs#linkName(String)}, for a link in this directory. */
        public Optional<String> linkName(String name) {
            try {
                return Optional.of(Files.readSymbolicLink(Path.of(attribute(name))).getFileName().toString());
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty();
            }
        }
    }

    /** The last name of a symbolic link's target (e.g. the driver's name from {@code driver}), or empty. */
    public Optional<String> linkName(String sysRelative) {
        Optional<Path> target = linkTarget(sysRelative);
        return target.isPresent() ? Optional.of(target.get().getFileName().toString()) : Optional.empty();
    }

    /** A symbolic link's target as stored, or empty if it is not a link. */
    public Optional<Path> linkTarget(String sysRelative) {
        // One readlink(), no stat() first: a listing reads two links per device.
        try {
            return Optional.of(Files.readSymbolicLink(path(sysRelative)));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * The canonical path of an entry relative to {@code /sys} (following links, as {@code realpath}),
     * e.g. {@code devices/pci0000:00/0000:00:1c.0/0000:01:00.0}; empty if absent or outside the tree.
     */
    public Optional<String> canonical(String sysRelative) {
        try {
            Path real = path(sysRelative).toRealPath();
            Path sys = root.resolve("/sys").toRealPath();
            if (!real.startsWith(sys)) {
                return Optional.empty();
            }
            return Optional.of(sys.relativize(real).toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The names in a directory, sorted; empty if it is absent. */
    public List<String> list(String sysRelative) {
        Path dir = path(sysRelative);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                names.add(e.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new HostdevException(dev.hostdev.engine.ErrorCode.ENVIRONMENT,
                    "cannot list " + root.display(dir) + ": " + e.getMessage(), null, e);
        }
        Collections.sort(names);
        return names;
    }

    /** Whether the entry is a directory (following links). */
    public boolean isDirectory(String sysRelative) {
        return Files.isDirectory(path(sysRelative));
    }

    /** Whether the entry itself is a symbolic link. */
    public boolean isLink(String sysRelative) {
        return Files.isSymbolicLink(path(sysRelative));
    }

    /** Whether the entry exists without following a final link. */
    public boolean existsNoFollow(String sysRelative) {
        return Files.exists(path(sysRelative), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Writes a value to an attribute as one write().
     *
     * @throws SysfsWriteException with the kernel's errno and the attribute named as on the host
     */
    public void write(String sysRelative, String value) {
        Path p = path(sysRelative);
        try {
            writer.write(p, value);
        } catch (SysfsWriteException e) {
            throw new SysfsWriteException(root.display(p), value, e.errno());
        }
    }
}
