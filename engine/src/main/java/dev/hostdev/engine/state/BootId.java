package dev.hostdev.engine.state;

import dev.hostdev.engine.sysfs.HostRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/** The kernel's id of the running boot, {@code /proc/sys/kernel/random/boot_id}: a new one at every boot. */
public final class BootId {
    private BootId() {
    }

    /** The boot id under the host root, or empty if it cannot be read (a test tree without it). */
    public static Optional<String> read(HostRoot root) {
        try {
            String id = Files.readString(root.resolve("/proc/sys/kernel/random/boot_id")).strip();
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
