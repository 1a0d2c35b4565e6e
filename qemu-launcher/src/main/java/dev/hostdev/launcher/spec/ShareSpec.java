package dev.hostdev.launcher.spec;

import dev.hostdev.engine.HostdevException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A host directory shared with the guest over 9p ({@code [[share]]}); the guest mounts it with
 * {@code mount -t 9p -o trans=virtio TAG DIR}.
 *
 * @param id       the fsdev id ({@code fs0}, …)
 * @param path     absolute host directory
 * @param tag      the mount tag the guest names (at most 31 bytes, as virtio-9p allows)
 * @param readonly whether the guest may only read it
 */
public record ShareSpec(String id, Path path, String tag, boolean readonly) {
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.-]{1,31}");

    /** Validates the path and tag. */
    public ShareSpec {
        Objects.requireNonNull(id);
        if (!Objects.requireNonNull(path).isAbsolute()) {
            throw new IllegalArgumentException("share path must be absolute: " + path);
        }
        if (!TAG.matcher(tag).matches()) {
            throw HostdevException.usage("bad mount tag '" + tag + "'",
                    "a tag is 1 to 31 letters, digits, '_', '.' or '-', e.g. tag = \"hostroot\"");
        }
    }
}
