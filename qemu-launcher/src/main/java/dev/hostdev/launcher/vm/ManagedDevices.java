package dev.hostdev.launcher.vm;

import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.DetachOptions;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.engine.bind.ReattachOptions;
import dev.hostdev.engine.pci.PciAddress;
import java.util.List;

/**
 * Detaching and giving back a VM's managed host devices: the engine's {@link DeviceBinder} in real
 * use; tests give the binder a simulated kernel's sysfs.
 */
public interface ManagedDevices {
    /** Moves the devices to vfio-pci, all or none. */
    BindResult detach(List<PciAddress> devices, boolean dryRun);

    /**
     * Moves the devices to VFIO drivers, all or none, each to the driver its {@code [[hostdev]] driver = …} asks for
     * ({@code auto}, {@code keep} or a name); devices not in {@code drivers} get the best VFIO driver.
     */
    default BindResult detach(List<PciAddress> devices, java.util.Map<PciAddress, String> drivers, boolean dryRun) {
        if (drivers.values().stream().allMatch(d -> d.equals(dev.hostdev.engine.bind.DriverChooser.AUTO))) {
            return detach(devices, dryRun);
        }
        throw new UnsupportedOperationException("this ManagedDevices cannot choose drivers per device");
    }

    /** Gives the devices back to their original drivers. */
    BindResult reattach(List<PciAddress> devices, boolean dryRun);

    /** Managed devices through the engine, recorded as requested by {@code vm NAME}. */
    static ManagedDevices engine(DeviceBinder binder) {
        return new ManagedDevices() {
            @Override
            public BindResult detach(List<PciAddress> devices, boolean dryRun) {
                return binder.detach(devices, DetachOptions.defaults().withDryRun(dryRun));
            }

            @Override
            public BindResult detach(List<PciAddress> devices, java.util.Map<PciAddress, String> drivers, boolean dryRun) {
                return binder.detach(devices, DetachOptions.defaults().withDrivers(drivers).withDryRun(dryRun));
            }

            @Override
            public BindResult reattach(List<PciAddress> devices, boolean dryRun) {
                return binder.reattach(devices, new ReattachOptions(dryRun));
            }
        };
    }
}
