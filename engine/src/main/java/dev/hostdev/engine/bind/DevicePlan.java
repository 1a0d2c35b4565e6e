package dev.hostdev.engine.bind;

import dev.hostdev.engine.pci.PciAddress;
import java.util.List;
import java.util.Objects;

/**
 * What will be done to one device, as a value: the state it is in, the state wanted, and the ordered
 * steps (sysfs writes and checks) that lead from one to the other. Empty steps: nothing to do.
 *
 * @param device the device
 * @param action what the plan is for
 * @param before the state observed when planning
 * @param target the state the steps lead to
 * @param steps  the writes and checks, in order
 * @param note   why nothing is done, or other words for the user; may be empty
 */
public record DevicePlan(PciAddress device, Action action, BindingState before, BindingState target,
                         List<PlanStep> steps, String note) {
    /** Copies the steps and rejects nulls. */
    public DevicePlan {
        Objects.requireNonNull(device);
        Objects.requireNonNull(action);
        Objects.requireNonNull(before);
        Objects.requireNonNull(target);
        steps = List.copyOf(steps);
        note = note == null ? "" : note;
    }

    /** The sysfs writes only, in order: what --dry-run prints. */
    public List<SysfsWrite> writes() {
        return steps.stream().filter(SysfsWrite.class::isInstance).map(SysfsWrite.class::cast).toList();
    }

    /** Whether the device is already where it should be. */
    public boolean isNoop() {
        return writes().isEmpty();
    }
}
