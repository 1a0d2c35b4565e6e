package dev.hostdev.launcher.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Direct kernel boot: QEMU loads the kernel (and initrd) itself and passes the command line.
 *
 * @param kernel absolute path of the kernel image
 * @param initrd absolute path of the initial ramdisk, if any
 * @param append the kernel command line, if any
 */
public record KernelBoot(Path kernel, Optional<Path> initrd, Optional<String> append) {
    /** Requires absolute paths. */
    public KernelBoot {
        Objects.requireNonNull(kernel);
        Objects.requireNonNull(initrd);
        Objects.requireNonNull(append);
        if (!kernel.isAbsolute() || initrd.map(p -> !p.isAbsolute()).orElse(false)) {
            throw new IllegalArgumentException("kernel and initrd paths must be absolute");
        }
    }
}
