package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.sysfs.HostRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * How a plan is made beyond what the spec says.
 *
 * @param vmsDir       the directory holding each VM's runtime directory
 * @param kvmUsable    whether /dev/kvm can be used (decides {@code accel = "auto"})
 * @param omitted      ids of optional USB hostdevs found missing, left out of the command line
 * @param startPaused  add {@code -S}: QEMU waits for {@code cont} over QMP
 */
public record LaunchOptions(Path vmsDir, boolean kvmUsable, Set<String> omitted, boolean startPaused) {
    /** Copies the set. */
    public LaunchOptions {
        Objects.requireNonNull(vmsDir);
        omitted = Set.copyOf(omitted);
    }

    /** Options for this host: the run directory from the environment, KVM if usable, nothing omitted, not paused. */
    public static LaunchOptions forHost(HostRoot root) {
        return new LaunchOptions(VmRuntimePaths.vmsDir(root), kvmUsable(root), Set.of(), false);
    }

    /** The same with {@code -S}. */
    public LaunchOptions paused() {
        return new LaunchOptions(vmsDir, kvmUsable, omitted, true);
    }

    /** The same with some optional USB hostdevs left out. */
    public LaunchOptions omitting(Set<String> ids) {
        return new LaunchOptions(vmsDir, kvmUsable, ids, startPaused);
    }

    /** Whether {@code /dev/kvm} (under the root) is a character device this process can open for reading and writing. */
    public static boolean kvmUsable(HostRoot root) {
        Path kvm = root.resolve("/dev/kvm");
        try {
            Object mode = Files.getAttribute(kvm, "unix:mode");
            if (!(mode instanceof Integer m) || (m & 0170000) != 0020000) {
                return false;
            }
            try (var ch = java.nio.channels.FileChannel.open(kvm, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE)) {
                return true;
            }
        } catch (Exception e) {
            return false;
        }
    }
}
