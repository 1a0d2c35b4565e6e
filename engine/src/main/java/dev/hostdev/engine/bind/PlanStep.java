package dev.hostdev.engine.bind;

/**
 * One step of a device's plan: a {@link SysfsWrite} that changes the host, or a {@link PlanCheck}
 * that verifies what the kernel did (it reports success for things it did not do).
 */
public sealed interface PlanStep permits SysfsWrite, PlanCheck {
    /** One line saying what the step does, e.g. {@code write /sys/bus/pci/drivers_probe 0000:01:00.0}. */
    String describe();
}
