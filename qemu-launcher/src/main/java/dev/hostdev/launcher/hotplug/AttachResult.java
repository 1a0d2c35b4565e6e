package dev.hostdev.launcher.hotplug;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmOperationPlan;
import java.util.List;

/**
 * What attach did (or, under dry run, would do).
 *
 * @param device    the device as recorded
 * @param deviceAdd the arguments of {@code device_add}
 * @param writes    sysfs writes made (or planned) to detach a managed host device
 * @param dryRun    whether nothing was done
 * @param plan      the plan the dry run printed and the real run carried out
 */
public record AttachResult(VmDevice device, ObjectNode deviceAdd, List<SysfsWrite> writes, boolean dryRun, VmOperationPlan plan) {
    /** Copies the list. */
    public AttachResult {
        writes = List.copyOf(writes);
    }
}
