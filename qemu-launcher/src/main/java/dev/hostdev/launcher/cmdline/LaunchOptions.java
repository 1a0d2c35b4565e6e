package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.launcher.doctor.CpuInfo;
import dev.hostdev.launcher.doctor.HostFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How a plan is made beyond what the spec says.
 *
 * @param vmsDir       the directory holding each VM's runtime directory
 * @param kvmUsable    whether KVM can run this plan's {@code -cpu host} (decides {@code accel = "auto"})
 * @param omitted      ids of optional USB hostdevs found missing, left out of the command line
 * @param startPaused  add {@code -S}: QEMU waits for {@code cont} over QMP
 * @param hostPhysBits the host CPU's physical address bits (/proc/cpuinfo "address sizes"), the guest's under KVM; empty if unknown
 */
public record LaunchOptions(Path vmsDir, boolean kvmUsable, Set<String> omitted, boolean startPaused, OptionalInt hostPhysBits) {
    /** Copies the set. */
    public LaunchOptions {
        Objects.requireNonNull(vmsDir);
        omitted = Set.copyOf(omitted);
        Objects.requireNonNull(hostPhysBits);
    }

    /** Options with the host's address width unknown. */
    public LaunchOptions(Path vmsDir, boolean kvmUsable, Set<String> omitted, boolean startPaused) {
        this(vmsDir, kvmUsable, omitted, startPaused, OptionalInt.empty());
    }

    /** The same with the host CPU's physical address bits known. */
    public LaunchOptions withHostPhysBits(int bits) {
        return new LaunchOptions(vmsDir, kvmUsable, omitted, startPaused, OptionalInt.of(bits));
    }

    /** Options for this host: the run directory from the environment, KVM if usable, nothing omitted, not paused. */
    public static LaunchOptions forHost(HostRoot root) {
        return forHost(root, VmRuntimePaths.vmsDir(root));
    }

    /** The same with VMs' runtime directories under {@code vmsDir} (the CLI's --run-dir). */
    public static LaunchOptions forHost(HostRoot root, java.nio.file.Path vmsDir) {
        return new LaunchOptions(vmsDir, kvmUsable(root), Set.of(), false, HostPhysBits.read(new HostFiles(root)));
    }

    /** The same with {@code -S}. */
    public LaunchOptions paused() {
        return new LaunchOptions(vmsDir, kvmUsable, omitted, true, hostPhysBits);
    }

    /** The same with some optional USB hostdevs left out. */
    public LaunchOptions omitting(Set<String> ids) {
        return new LaunchOptions(vmsDir, kvmUsable, ids, startPaused, hostPhysBits);
    }

    /**
     * Whether {@code accel = "auto"} should choose KVM: {@code /dev/kvm} (under the root) is a character
     * device this process can open for reading and writing, and the CPU has hardware virtualization
     * (vmx or svm in /proc/cpuinfo). A KVM without it (e.g. kvm_pvm inside a cloud VM) opens fine but
     * aborts QEMU's {@code -cpu host} ("failed to set MSR 0x10a"), so auto stays on TCG there;
     * {@code accel = "kvm"} still asks for it.
     */
    public static boolean kvmUsable(HostRoot root) {
        CpuInfo cpu = CpuInfo.read(new HostFiles(root));
        if (!cpu.flags().contains("vmx") && !cpu.flags().contains("svm")) {
            return false;
        }
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
