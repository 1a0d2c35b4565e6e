package dev.hostdev.engine.sriov;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.DriverChooser;
import dev.hostdev.engine.guard.HostGuard;
import dev.hostdev.engine.guard.HostUse;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Chooses a VF of a physical function for a VM ({@code [[hostdev]] vf_of = …}): the first VF, in {@code virtfnN}
 * order, that nobody holds: not claimed (by a QEMU, a libvirt domain or a Hostdev VM, as {@link HostGuard#claims}
 * finds them), not reserved by another Hostdev VM's record, not used by the host itself; and, for a device the VM
 * does not detach itself (unmanaged), already on a VFIO driver. Choosing does not take the VF: callers that start a
 * VM hold the PF's device lock from the choice until the VM's record names the VF, so two starts never choose the same.
 */
public final class VfChooser {
    private final Sysfs sysfs;

    /** @param sysfs sysfs under the host root */
    public VfChooser(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    /**
     * @param pf        the physical function
     * @param index     {@code vf = N}: that VF only; empty: the first free one
     * @param needVfio  the VF must already be on a VFIO driver (an unmanaged hostdev)
     * @param reserved  VFs Hostdev VMs hold beyond what claims show (a record not given back yet), with who holds them
     * @throws HostdevException USAGE if {@code pf} is not a PF, STATE if it has no VFs enabled or no VF {@code index},
     *                          BUSY when no VF (or not the one asked for) is free, each naming every VF and what it is doing
     */
    public VfChoice choose(PciAddress pf, OptionalInt index, boolean needVfio, Map<PciAddress, String> reserved) {
        SriovStatus status = new SriovReader(sysfs).read(pf);
        String setHint = "create VFs: hostdev sriov " + pf + " --set N (N up to " + status.totalVfs() + ")";
        if (status.vfs().isEmpty()) {
            throw new HostdevException(ErrorCode.STATE, pf + " has no VFs enabled (" + status.numVfs() + " of "
                    + status.totalVfs() + ")", setHint);
        }
        List<VirtualFunction> candidates = status.vfs();
        if (index.isPresent()) {
            candidates = status.vfs().stream().filter(v -> v.index() == index.getAsInt()).toList();
            if (candidates.isEmpty()) {
                throw new HostdevException(ErrorCode.STATE, pf + " has no VF " + index.getAsInt() + ": it has "
                        + status.vfs().size() + " VFs enabled (virtfn" + status.vfs().get(0).index() + " to virtfn"
                        + status.vfs().get(status.vfs().size() - 1).index() + ")",
                        index.getAsInt() < status.totalVfs()
                                ? "enable more: hostdev sriov " + pf + " --set " + (index.getAsInt() + 1) + ", or remove vf = … to take any free VF"
                                : "the PF has at most " + status.totalVfs() + " VFs; choose vf = 0 to " + (status.totalVfs() - 1));
            }
        }
        HostGuard guard = new HostGuard(sysfs);
        DriverChooser drivers = new DriverChooser(sysfs);
        List<String> skipped = new ArrayList<>();
        for (VirtualFunction vf : candidates) {
            Optional<String> busy = busy(vf, needVfio, reserved, guard, drivers);
            if (busy.isEmpty()) {
                return new VfChoice(pf, vf, status.vfs().size(), skipped);
            }
            skipped.add("virtfn" + vf.index() + " " + vf.address() + ": " + busy.get());
        }
        if (index.isPresent()) {
            throw new HostdevException(ErrorCode.BUSY, "VF " + index.getAsInt() + " of " + pf + " is not free: " + skipped.get(0),
                    "remove vf = … to take any free VF of " + pf + ", or free that one first");
        }
        throw new HostdevException(ErrorCode.BUSY, "no free VF on " + pf + ": " + status.vfs().size() + " of "
                + status.totalVfs() + " VFs enabled, and " + String.join("; ", skipped),
                status.vfs().size() < status.totalVfs() ? "add VFs: hostdev sriov " + pf + " --set " + status.totalVfs()
                        + " (changing a count takes VFs away first: stop the VMs using them), or stop a VM that uses one"
                        : "all " + status.totalVfs() + " VFs are enabled: stop a VM that uses one, or give one back");
    }

    private static Optional<String> busy(VirtualFunction vf, boolean needVfio, Map<PciAddress, String> reserved, HostGuard guard,
                                         DriverChooser drivers) {
        if (vf.usedBy().isPresent()) {
            return Optional.of("used by " + vf.usedBy().get());
        }
        if (reserved.containsKey(vf.address())) {
            return Optional.of("held by " + reserved.get(vf.address()));
        }
        List<HostUse> uses = guard.hostUses(List.of(vf.address()));
        if (!uses.isEmpty()) {
            return Optional.of("used by the host: " + String.join(", ", uses.stream().map(HostUse::describe).toList()));
        }
        if (needVfio && vf.driver().filter(drivers::isVfioDriver).isEmpty()) {
            return Optional.of("on " + vf.driver().orElse("no driver") + ", not a VFIO driver (an unmanaged hostdev needs one;"
                    + " managed = true detaches it)");
        }
        return Optional.empty();
    }
}
