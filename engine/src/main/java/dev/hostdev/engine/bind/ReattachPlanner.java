package dev.hostdev.engine.bind;

import dev.hostdev.engine.pci.PciAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Plans giving a device back to its host driver, as libvirt does and in its order: clear
 * {@code driver_override}, reset the device where the kernel offers a reset (a device handed back
 * without one has hung or oopsed hosts), unbind it from the stub, check its config space still reads
 * (else it stays unbound: no host driver should probe a device that fell off the bus), then bind the
 * recorded driver, or let {@code drivers_probe} pick when none was recorded, and verify.
 */
public final class ReattachPlanner {
    /** The drivers a device is parked on while a VM may use it. */
    public static final Set<String> STUB_DRIVERS = Set.of("vfio-pci", "pci-stub");

    private ReattachPlanner() {
    }

    /**
     * @param device          the device
     * @param now             its state now
     * @param stubs           the drivers that count as "detached" (vfio-pci, pci-stub and the one Hostdev recorded)
     * @param recordedDriver  the host driver it had before Hostdev detached it, if known
     * @param recordedLoaded  whether that driver is loaded (has a {@code /sys/bus/pci/drivers} entry)
     * @param hasReset        whether the device has a {@code reset} attribute
     * @param leaveUnbound    it had no driver before Hostdev took it (as libvirt, do not probe one for it then)
     * @param bindTimeout     how long the host driver may take to show as bound
     */
    public static DevicePlan plan(PciAddress device, BindingState now, Set<String> stubs, Optional<String> recordedDriver,
                                  boolean recordedLoaded, boolean hasReset, boolean leaveUnbound, Duration bindTimeout) {
        boolean onStub = now.driver().isPresent() && stubs.contains(now.driver().get());
        BindingState goal = new BindingState(recordedDriver, Optional.empty());
        if (now.driver().isPresent() && !onStub) {
            List<PlanStep> steps = new ArrayList<>();
            if (now.override().isPresent() && stubs.contains(now.override().get())) {
                steps.add(SysfsWrite.of("bus/pci/devices/" + device + "/driver_override", "\n"));
            }
            return new DevicePlan(device, Action.REATTACH, now, new BindingState(now.driver(), Optional.empty()), steps,
                    "already bound to host driver " + now.driver().get());
        }
        List<PlanStep> steps = new ArrayList<>();
        String dev = "bus/pci/devices/" + device;
        if (now.override().isPresent()) {
            steps.add(SysfsWrite.of(dev + "/driver_override", "\n"));
        }
        if (hasReset) {
            steps.add(new SysfsWrite(dev + "/reset", "1", SysfsWrite.OnFailure.WARN));
        }
        now.driver().ifPresent(d -> steps.add(SysfsWrite.of("bus/pci/drivers/" + d + "/unbind", device.toString())));
        steps.add(new PlanCheck.ExpectConfigReadable(device));
        if (leaveUnbound) {
            steps.add(new PlanCheck.ExpectDriver(device, null, Duration.ZERO));
            return new DevicePlan(device, Action.REATTACH, now, BindingState.of(null, null), steps,
                    "it had no driver before it was detached: left unbound");
        }
        if (recordedDriver.isPresent() && recordedLoaded) {
            steps.add(SysfsWrite.of("bus/pci/drivers/" + recordedDriver.get() + "/bind", device.toString()));
        } else {
            steps.add(SysfsWrite.of("bus/pci/drivers_probe", device.toString()));
        }
        steps.add(recordedDriver.isPresent() ? new PlanCheck.ExpectDriver(device, recordedDriver.get(), bindTimeout)
                : new PlanCheck.AwaitAnyDriver(device, bindTimeout));
        return new DevicePlan(device, Action.REATTACH, now, goal, steps, "");
    }
}
