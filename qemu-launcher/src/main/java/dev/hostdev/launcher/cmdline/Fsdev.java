package dev.hostdev.launcher.cmdline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A 9p file system backend ({@code -fsdev local,…,security_model=none,multidevs=remap}) that a virtio-9p-pci
 * device exports. Written as {@code -fsdev} plus {@code -device} rather than {@code -virtfs} so
 * that the device sits on a root port the plan chose, not wherever QEMU puts it on pcie.0.
 *
 * @param id       the fsdev id
 * @param path     the host directory
 * @param readonly read-only
 */
public record Fsdev(String id, Path path, boolean readonly) {
    /** Checks the id. */
    public Fsdev {
        QemuDevice.checkId(id);
        Objects.requireNonNull(path);
    }

    /** The argument following {@code -fsdev}. */
    public String argument() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", id);
        o.put("path", path.toString());
        o.put("security_model", "none");
        // A share spanning several file systems (such as /) would otherwise give the guest colliding inode numbers.
        o.put("multidevs", "remap");
        if (readonly) {
            o.put("readonly", true);
        }
        return QemuOptions.render("local", o);
    }
}
