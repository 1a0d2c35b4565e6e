package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.iommu.GroupViability;
import dev.hostdev.engine.iommu.IommuGroup;
import dev.hostdev.engine.iommu.IommuGroups;
import dev.hostdev.engine.iommu.Viability;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Whether the device's IOMMU group can be given to a VM once the device itself — and the other
 * devices checked with it, which go to the VM together — are on vfio-pci: the engine's viability
 * rule ({@link GroupViability}), the same one {@code hostdev detach} applies.
 */
public final class GroupViabilityCheck implements DeviceCheck {
    static final String ID = "iommu-group";
    private final Set<PciAddress> together;

    /** Checks each device as the only one detached. */
    public GroupViabilityCheck() {
        this(Set.of());
    }

    /** @param together devices that will be detached along with the one checked (e.g. a spec's hostdevs) */
    public GroupViabilityCheck(Set<PciAddress> together) {
        this.together = Set.copyOf(together);
    }

    @Override
    public CheckResult run(DoctorContext context, PciDevice device) {
        String dev = device.address().toString();
        IommuGroup group;
        try {
            group = new IommuGroups(context.sysfs()).of(device.address());
        } catch (HostdevException e) {
            return CheckResult.fail(ID, e.getMessage(), "enable the IOMMU (see the iommu check)").forDevice(dev);
        }
        PciInventory inventory = new PciInventory(context.sysfs());
        List<PciDevice> members = group.members().stream().map(inventory::get)
                .flatMap(java.util.Optional::stream).filter(Objects::nonNull).toList();
        Set<PciAddress> detaching = new java.util.HashSet<>(together);
        detaching.add(device.address());
        Viability viability = GroupViability.check(group.number(), members, detaching);
        String with = together.stream().filter(a -> !a.equals(device.address()) && group.contains(a))
                .map(PciAddress::toString).sorted().reduce((a, b) -> a + ", " + b).map(a -> " and " + a).orElse("");
        int n = group.members().size();
        if (viability.viable()) {
            return CheckResult.ok(ID, viability.describe() + " once " + dev + with + (with.isEmpty() ? " is" : " are") + " on vfio-pci (" + n + " device"
                    + (n == 1 ? "" : "s") + ")").forDevice(dev);
        }
        return CheckResult.warn(ID, viability.describe(),
                "hostdev detach --group " + dev + " (detaches every member), or detach "
                        + viability.blockers().get(0).address() + " too").forDevice(dev);
    }
}
