package dev.hostdev.launcher.hotplug;

import dev.hostdev.launcher.vm.VmRecord;
import java.util.List;

/**
 * The host's side of an attach: what must hold of the device itself before anything is done (it exists, an
 * unmanaged one is on vfio-pci, no VM or other manager holds it, QEMU knows the emulated model). Made while the
 * plan is made, so the dry run refuses what the real run refuses.
 */
@FunctionalInterface
public interface HotplugChecks {
    /** Checks nothing: for tests whose devices are not on any host. */
    HotplugChecks NONE = (vm, device, id) -> List.of();

    /**
     * Checks {@code device} for VM {@code vm}.
     *
     * @param id the device id it will get
     * @return what was checked, one line each, for the plan
     * @throws dev.hostdev.engine.HostdevException naming the device, what is wrong and the fix
     */
    List<String> check(VmRecord vm, HotplugDevice device, String id);
}
