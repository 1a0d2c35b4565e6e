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
 * @param others       for a multi-function device hotplugged whole ({@code --functions all}): its other functions,
 *                     in the order they are added (highest first), all before {@code deviceAdd} of function 0; else empty
 */
public record AttachPlan(String vm, VmDevice recorded, Slot slot, HotplugDevice.HostPci managedHost,
                         List<SysfsWrite> detachWrites, List<String> checked, QmpCall deviceAdd, List<FunctionAdd> others) {
    /** Copies the lists. */
    public AttachPlan {
        Objects.requireNonNull(vm);
        Objects.requireNonNull(recorded);
        Objects.requireNonNull(deviceAdd);
        detachWrites = List.copyOf(detachWrites);
        checked = List.copyOf(checked);
        others = List.copyOf(others);
    }

    /** A plan of one device. */
    public AttachPlan(String vm, VmDevice recorded, Slot slot, HotplugDevice.HostPci managedHost,
                      List<SysfsWrite> detachWrites, List<String> checked, QmpCall deviceAdd) {
        this(vm, recorded, slot, managedHost, detachWrites, checked, deviceAdd, List.of());
    }

    /** Every device the plan records: the other functions (in the order added), then the device at function 0. */
    public List<VmDevice> allRecorded() {
        List<VmDevice> all = new ArrayList<>();
        others.forEach(f -> all.add(f.recorded()));
        all.add(recorded);
        return all;
    }

    /** The host devices detached (managed), ascending: the device's, with every function of it when hotplugged whole. */
    public List<String> managedHosts() {
        return managedHost == null ? List.of() : allRecorded().stream().map(VmDevice::host)
                .sorted(java.util.Comparator.comparing(dev.hostdev.engine.pci.PciAddress::parse)).toList();
    }

    /** The plan as steps. */
    public VmOperationPlan describe() {
        List<PlanStep> steps = new ArrayList<>();
        checked.forEach(c -> steps.add(new PlanStep.Checked(c)));
        String hosts = String.join(" and ", managedHosts());
        if (managedHost != null) {
            steps.add(new PlanStep.SysfsWrites("detach " + hosts + " to vfio-pci (managed)", detachWrites));
        }
        others.forEach(f -> steps.add(new PlanStep.Qmp(f.deviceAdd(), null)));
        steps.add(new PlanStep.Qmp(deviceAdd, null));
        String ids = String.join(", ", allRecorded().stream().map(VmDevice::id).toList());
        steps.add(new PlanStep.Qmp(QmpCall.listPeripherals(), ids));
        steps.add(new PlanStep.Action("record " + ids + (slot == null ? " on " + recorded.bus() : " in slot " + slot.describe())
                + (managedHost == null ? "" : "; on any failure give " + hosts + (managedHosts().size() == 1 ? " back to its host driver" : " back to their host drivers"))));
        return new VmOperationPlan("attach to VM " + vm, steps);
    }
}
