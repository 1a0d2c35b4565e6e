package dev.hostdev.engine.bind;

import dev.hostdev.engine.pci.PciAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans putting a device back into a state recorded earlier (its driver and {@code driver_override}),
 * from whatever state it is in now: the way a failed or interrupted detach is undone. Planning from the
 * observed state, not from the steps believed done, makes it right after a crash at any point, even
 * between a write and the journal's note of it.
 */
public final class RollbackPlanner {
    /** How long a restored driver may take to show as bound. */
    static final Duration BIND_TIMEOUT = Duration.ofSeconds(2);

    private RollbackPlanner() {
    }

    /**
     * @param device         the device
     * @param now            its state now
     * @param original       the state to restore
     * @param originalLoaded whether the original driver is loaded (else {@code drivers_probe} is asked)
     */
    public static DevicePlan plan(PciAddress device, BindingState now, BindingState original, boolean originalLoaded) {
        List<PlanStep> steps = new ArrayList<>();
        if (!now.override().equals(original.override())) {
            steps.add(SysfsWrite.of("bus/pci/devices/" + device + "/driver_override", original.override().orElse("\n")));
        }
        if (!now.driver().equals(original.driver())) {
            now.driver().ifPresent(d -> steps.add(SysfsWrite.of("bus/pci/drivers/" + d + "/unbind", device.toString())));
            if (original.driver().isPresent()) {
                steps.add(originalLoaded
                        ? SysfsWrite.of("bus/pci/drivers/" + original.driver().get() + "/bind", device.toString())
                        : SysfsWrite.of("bus/pci/drivers_probe", device.toString()));
            }
        }
        if (!steps.isEmpty()) {
            steps.add(new PlanCheck.ExpectDriver(device, original.driver().orElse(null), BIND_TIMEOUT));
        }
        return new DevicePlan(device, Action.ROLLBACK, now, original, steps, steps.isEmpty() ? "already as it was" : "");
    }
}
