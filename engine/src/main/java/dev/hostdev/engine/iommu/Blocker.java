package dev.hostdev.engine.iommu;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Objects;

/**
 * A group member that stops its IOMMU group being given to a VM: an endpoint bound to a host driver.
 *
 * @param address the member
 * @param driver  the host driver it is bound to
 */
public record Blocker(PciAddress address, String driver) {
    /** Requires both. */
    public Blocker {
        Objects.requireNonNull(address);
        Objects.requireNonNull(driver);
    }

    @Override
    public String toString() {
        return address + " is still bound to " + driver;
    }
}
