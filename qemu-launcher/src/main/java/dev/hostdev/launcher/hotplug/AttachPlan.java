package dev.hostdev.launcher.hotplug;

import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.vm.PlanStep;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmOperationPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An attach, planned with every check made: what the dry run prints and the real run carries out.
 *
 * @param vm           the VM's name
 * @param recorded     the device as it will be recorded
 * @param slot         the slot it takes, or {@code null} on USB
 * @param managedHost  the host PCI device detached for it, or {@code null}
 * @param detachWrites the sysfs writes of that detach (planned)
 * @param checked      the checks that held
 * @param deviceAdd    the {@code device_add} QEMU is sent
 */
public record AttachPlan(String vm, VmDevice recorded, Slot slot, HotplugDevice.HostPci managedHost,
                         List<SysfsWrite> detachWrites, List<String> checked, QmpCall deviceAdd) {
    /** Copies the lists. */
    public AttachPlan {
        Objects.requireNonNull(vm);
        Objects.requireNonNull(recorded);
        Objects.requireNonNull(deviceAdd);
        detachWrites = List.copyOf(detachWrites);
        checked = List.copyOf(checked);
    }

    /** The plan as steps. */
    public VmOperationPlan describe() {
        List<PlanStep> steps = new ArrayList<>();
        checked.forEach(c -> steps.add(new PlanStep.Checked(c)));
        if (managedHost != null) {
            steps.add(new PlanStep.SysfsWrites("detach " + managedHost.address() + " to vfio-pci (managed)", detachWrites));
        }
        steps.add(new PlanStep.Qmp(deviceAdd, null));
        steps.add(new PlanStep.Qmp(QmpCall.listPeripherals(), recorded.id()));
        steps.add(new PlanStep.Action("record " + recorded.id() + (slot == null ? " on " + recorded.bus() : " in slot " + slot.describe())
                + (managedHost == null ? "" : "; on any failure give " + managedHost.address() + " back to its host driver")));
        return new VmOperationPlan("attach to VM " + vm, steps);
    }
}
