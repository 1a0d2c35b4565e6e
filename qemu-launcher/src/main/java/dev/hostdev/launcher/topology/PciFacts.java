package dev.hostdev.launcher.topology;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Optional;

/** What the planner needs to know about host PCI devices. Read from sysfs ({@link SysfsPciFacts}) or given by tests. */
public interface PciFacts {
    /** Whether the device is PCI Express (has the PCI Express capability); empty if the device is absent. */
    Optional<Boolean> isPcie(PciAddress address);

    /** Its BAR sizes; empty if the device is absent. */
    Optional<BarSizes> barSizes(PciAddress address);
}
