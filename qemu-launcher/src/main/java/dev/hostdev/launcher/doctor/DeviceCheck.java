package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciDevice;

/** One check about a single PCI device ({@code hostdev doctor DEV}). Read-only. */
public interface DeviceCheck {
    /** Runs the check for {@code device}, as the engine's inventory read it from the context's sysfs. */
    CheckResult run(DoctorContext context, PciDevice device);
}
