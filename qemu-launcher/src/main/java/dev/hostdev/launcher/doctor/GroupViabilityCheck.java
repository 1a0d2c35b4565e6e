package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.iommu.GroupViability;
import dev.hostdev.engine.iommu.IommuGroup;
import dev.hostdev.engine.iommu.IommuGroups;
import dev.hostdev.engine.iommu.Viability;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Whether the device's IOMMU group can be given to a VM once the device itself is on vfio-pci: the
 * engine's viability rule ({@link GroupViability}), the same one {@code hostdev detach} applies.
 */
public final class GroupViabilityCheck implements DeviceCheck {
    static final String ID = "iommu-group";

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
        Viability viability = GroupViability.check(group.number(), members, Set.of(device.address()));
        int n = group.members().size();
        if (viability.viable()) {
            return CheckResult.ok(ID, viability.describe() + " once " + dev + " is on vfio-pci (" + n + " device"
                    + (n == 1 ? "" : "s") + ")").forDevice(dev);
        }
        return CheckResult.warn(ID, viability.describe(),
                "hostdev detach --group " + dev + " (detaches every member), or detach "
                        + viability.blockers().get(0).address() + " too").forDevice(dev);
    }
}
