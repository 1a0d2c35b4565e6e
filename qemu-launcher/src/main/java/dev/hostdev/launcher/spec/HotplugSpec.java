package dev.hostdev.launcher.spec;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Optional;

/**
 * A root port kept free for a device to be hotplugged later ({@code [[hotplug]]}), with its
 * memory windows sized for it: from a host device's real BARs ({@code pci = …}) or from a given
 * size of 64-bit prefetchable memory ({@code size = "16G"}), or both (the larger wins).
 *
 * @param pci  the host device whose BARs size the port
 * @param size the 64-bit prefetchable window wanted
 */
public record HotplugSpec(Optional<PciAddress> pci, Optional<MemorySize> size) {
    /** Requires at least one of the two. */
    public HotplugSpec {
        if (pci.isEmpty() && size.isEmpty()) {
            throw new IllegalArgumentException("a hotplug port needs pci or size");
        }
    }
}
