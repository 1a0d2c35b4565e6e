package dev.hostdev.launcher.vm;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSelectorResolver;
import dev.hostdev.engine.state.DeviceLock;
import dev.hostdev.engine.state.DeviceLocks;
import dev.hostdev.engine.state.StateDirectory;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.spec.HostdevSpec;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The device locks of the physical functions a spec takes VFs of ({@code vf_of}), held by a {@code vm start} from
 * before it chooses its VFs until its record names them (QEMU running): a second start choosing among the same PF's
 * VFs waits, then sees the first VM's VFs as claimed. Two VMs never get the same VF. {@code hostdev sriov PF --set}
 * takes the same lock, so VF counts do not change under a start either.
 */
public final class VfLocks implements AutoCloseable {
    /** How long a start waits for another start choosing VFs of the same PF (QEMU's start-up included). */
    public static final Duration WAIT = Duration.ofSeconds(60);
    private final List<DeviceLock> held;

    private VfLocks(List<DeviceLock> held) {
        this.held = new ArrayList<>(held);
    }

    /** Locks the PFs the spec's {@code vf_of} hostdevs name, in address order (no deadlock between two starts). */
    public static VfLocks forSpec(Path specFile, Sysfs sysfs, String requester) {
        VmSpec vm = VmSpecLoader.load(specFile, new PciSelectorResolver(sysfs));
        TreeSet<PciAddress> pfs = new TreeSet<>();
        for (HostdevSpec h : vm.hostdevs()) {
            h.vfOf().flatMap(v -> v.pf()).ifPresent(pfs::add);
        }
        if (pfs.isEmpty()) {
            return new VfLocks(List.of());
        }
        DeviceLocks locks = new DeviceLocks(new StateDirectory(sysfs.root()), requester);
        List<DeviceLock> held = new ArrayList<>();
        try {
            for (PciAddress pf : pfs) {
                held.add(locks.acquire(pf, WAIT));
            }
        } catch (RuntimeException e) {
            held.forEach(DeviceLock::close);
            throw e;
        }
        return new VfLocks(held);
    }

    /** How many PFs are locked. */
    public int size() {
        return held.size();
    }

    @Override
    public void close() {
        for (int i = held.size() - 1; i >= 0; i--) {
            held.get(i).close();
        }
        held.clear();
    }
}
