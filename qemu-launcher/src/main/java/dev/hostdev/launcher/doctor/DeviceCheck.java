package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciAddress;

/** One check about a single PCI device ({@code hostdev doctor DEV}). Read-only. */
public interface DeviceCheck {
    /** Runs the check for {@code device}, which exists in the context's sysfs. */
    CheckResult run(DoctorContext context, PciAddress device);
}
