package dev.hostdev.launcher.topology;

import dev.hostdev.engine.pci.PciAddress;
import java.util.List;
import java.util.Optional;

/** What the planner needs to know about host PCI devices. Read from sysfs ({@link SysfsPciFacts}) or given by tests. */
public interface PciFacts {
    /** Whether the device is PCI Express (has the PCI Express capability); empty if the device is absent. */
    Optional<Boolean> isPcie(PciAddress address);

    /** Its BAR sizes; empty if the device is absent. */
    Optional<BarSizes> barSizes(PciAddress address);

    /**
     * Every function present of the device at {@code address}'s bus and slot, ascending ({@code 01:00.0} and
     * {@code 01:00.1} for a GPU with its audio); empty if none is known (absent device, or facts that cannot tell).
     */
    default List<PciAddress> functionsOf(PciAddress address) {
        return List.of();
    }
}
