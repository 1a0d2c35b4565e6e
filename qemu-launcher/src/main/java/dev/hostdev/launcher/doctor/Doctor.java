package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import java.util.ArrayList;
import java.util.List;

/** Runs the host checks, then the per-device checks for each device named, in a fixed order. */
public final class Doctor {

    private final List<HostCheck> hostChecks;
    private final List<DeviceCheck> deviceChecks;
    private final List<PciAddress> devices;

    /** @param devices the devices to check one by one (they must exist in the context's sysfs) */
    public Doctor(List<PciAddress> devices) {
        this.devices = List.copyOf(devices);
        // The devices named go to the VM together, so each one's group is judged with all of them detached.
        this.deviceChecks = List.of(new GroupViabilityCheck(java.util.Set.copyOf(devices)), new AcsCheck(),
                new ResetMethodCheck(), new HostUseCheck(), new PcieLinkCheck(), new BootVgaCheck(), new RomCheck());
        this.hostChecks = List.of(
                new CpuVirtualizationCheck(),
                new KvmCheck(),
                new IommuCheck(),
                new InterruptRemappingCheck(),
                new XenCheck(),
                new VfioModulesCheck(),
                new VfioContainerCheck(),
                new VfioApiCheck(),
                new MemlockCheck(),
                new VfioGroupAccessCheck(devices),
                new SelinuxCheck(),
                new AppArmorCheck());
    }

    /**
     * Runs every check; none of them writes anything.
     *
     * @throws dev.hostdev.engine.HostdevException not found when a device named is absent
     */
    public DoctorReport run(DoctorContext context) {
        PciInventory inventory = new PciInventory(context.sysfs());
        List<PciDevice> found = devices.stream().map(inventory::find).toList();
        List<CheckResult> results = new ArrayList<>();
        for (HostCheck c : hostChecks) {
            results.add(c.run(context));
        }
        for (PciDevice d : found) {
            for (DeviceCheck c : deviceChecks) {
                results.add(c.run(context, d));
            }
        }
        return new DoctorReport(results);
    }
}
