package dev.hostdev.launcher.soak;

import dev.hostdev.engine.pci.PciAddress;
import java.util.List;

/** The host's view of a host PCI device after the guest released it; {@link DeviceHealth} reads it from sysfs. */
public interface HealthCheck {
    /** What is wrong with {@code device} now, each said plainly; empty when it is healthy. */
    List<String> problems(PciAddress device);

    /** What is checked, for the dry run. */
    List<String> describe(PciAddress device);
}
