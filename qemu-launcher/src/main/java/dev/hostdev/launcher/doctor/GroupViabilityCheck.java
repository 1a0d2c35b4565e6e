package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciAddress;
import java.util.List;
import java.util.Set;

/**
 * Whether the device's IOMMU group can be given to a VM: every other member must be on vfio-pci or
 * pci-stub, have no driver, or be a bridge. Interim reading of sysfs until the engine's viability
 * rules land; then this delegates to them.
 */
public final class GroupViabilityCheck implements DeviceCheck {
    static final String ID = "iommu-group";
    private static final Set<String> HARMLESS = Set.of("vfio-pci", "pci-stub");

    @Override
    public CheckResult run(DoctorContext context, PciAddress device) {
        PciDeviceView view = new PciDeviceView(context.sysfs(), device);
        String dev = device.toString();
        if (view.iommuGroup().isEmpty()) {
            return CheckResult.fail(ID, "no iommu_group link: the IOMMU is off or does not cover this device",
                    "enable the IOMMU (see the iommu check)").forDevice(dev);
        }
        String group = view.iommuGroup().get();
        List<String> blockers = view.groupPeers().stream()
                .map(p -> new PciDeviceView(context.sysfs(), p))
                .filter(p -> !p.isBridge() && p.driver().isPresent() && !HARMLESS.contains(p.driver().get()))
                .map(p -> p.address() + " (" + p.driver().get() + ")")
                .toList();
        int members = view.groupPeers().size() + 1;
        if (blockers.isEmpty()) {
            return CheckResult.ok(ID, "group " + group + " (" + members + " device" + (members == 1 ? "" : "s")
                    + ") is viable").forDevice(dev);
        }
        return CheckResult.warn(ID, "group " + group + " is not viable: " + String.join(", ", blockers)
                        + " still on a host driver",
                "hostdev detach --group " + dev + " (detaches every member), or detach "
                        + blockers.get(0).split(" ")[0] + " too").forDevice(dev);
    }
}
