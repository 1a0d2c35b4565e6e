package dev.hostdev.engine.bind;

import dev.hostdev.engine.pci.PciAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plans the move of one device to a stub driver the way libvirt does it on current kernels: set
 * {@code driver_override}, unbind from the current driver, {@code drivers_probe}; then check the device
 * really is on the target (drivers_probe succeeds even when nothing claimed it) and, for vfio-pci, that
 * {@code /dev/vfio/N} appeared. A device already on the target gets an empty plan.
 */
public final class DetachPlanner {
    private DetachPlanner() {
    }

    /**
     * @param device      the device
     * @param now         its state now
     * @param target      the VFIO driver, e.g. vfio-pci or mlx5_vfio_pci
     * @param iommuGroup  its IOMMU group, needed to wait for {@code /dev/vfio/N}
     * @param bindTimeout how long the target driver may take to show as bound
     * @param settleTimeout how long to wait for that node
     */
    public static DevicePlan plan(PciAddress device, BindingState now, String target, Optional<String> iommuGroup,
                                  Duration bindTimeout, Duration settleTimeout) {
        BindingState goal = BindingState.of(target, target);
        if (now.boundTo(target)) {
            return new DevicePlan(device, Action.DETACH, now, now, List.of(), "already bound to " + target);
        }
        List<PlanStep> steps = new ArrayList<>();
        String dev = "bus/pci/devices/" + device;
        if (!now.override().equals(Optional.of(target))) {
            steps.add(SysfsWrite.of(dev + "/driver_override", target));
        }
        now.driver().ifPresent(d -> steps.add(SysfsWrite.of("bus/pci/drivers/" + d + "/unbind", device.toString())));
        steps.add(SysfsWrite.of("bus/pci/drivers_probe", device.toString()));
        steps.add(new PlanCheck.ExpectDriver(device, target, bindTimeout));
        if (iommuGroup.isPresent()) { // every target is a VFIO driver: its group's node must appear
            steps.add(new PlanCheck.AwaitVfioNode(device, iommuGroup.get(), settleTimeout));
        }
        return new DevicePlan(device, Action.DETACH, now, goal, steps, "");
    }
}
