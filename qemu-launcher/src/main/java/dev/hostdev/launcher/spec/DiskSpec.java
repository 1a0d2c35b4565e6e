package dev.hostdev.launcher.spec;

import dev.hostdev.engine.HostdevException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * A disk image given to the guest as a virtio-blk device ({@code [[disk]]}).
 *
 * @param id       the device id ({@code disk0}, …)
 * @param path     absolute path of the image
 * @param format   QEMU block format: raw or qcow2
 * @param readonly whether the guest may only read it
 */
public record DiskSpec(String id, Path path, String format, boolean readonly) {
    /** Formats QEMU is asked to open; others need no support from Hostdev but are refused to catch typos. */
    public static final Set<String> FORMATS = Set.of("raw", "qcow2");

    /** Validates the path and format. */
    public DiskSpec {
        Objects.requireNonNull(id);
        if (!Objects.requireNonNull(path).isAbsolute()) {
            throw new IllegalArgumentException("disk path must be absolute: " + path);
        }
        if (!FORMATS.contains(format)) {
            throw HostdevException.usage("unknown disk format '" + format + "'", "use one of " + FORMATS);
        }
    }
}
