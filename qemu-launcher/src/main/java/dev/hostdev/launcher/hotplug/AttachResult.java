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
 * @param functions the other functions of a multi-function device attached whole, in the order added (before
 *                  {@code device}, function 0); empty otherwise
 */
public record AttachResult(VmDevice device, ObjectNode deviceAdd, List<SysfsWrite> writes, boolean dryRun, VmOperationPlan plan,
                           List<FunctionAdd> functions) {
    /** Copies the lists. */
    public AttachResult {
        writes = List.copyOf(writes);
        functions = List.copyOf(functions);
    }

    /** The result of attaching one device. */
    public AttachResult(VmDevice device, ObjectNode deviceAdd, List<SysfsWrite> writes, boolean dryRun, VmOperationPlan plan) {
        this(device, deviceAdd, writes, dryRun, plan, List.of());
    }
}
