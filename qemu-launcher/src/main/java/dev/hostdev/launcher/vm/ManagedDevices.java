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
            public BindResult reattach(List<PciAddress> devices, boolean dryRun) {
                return binder.reattach(devices, new ReattachOptions(dryRun));
            }
        };
    }
}
