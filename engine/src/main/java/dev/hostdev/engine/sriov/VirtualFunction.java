package dev.hostdev.engine.sriov;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Optional;

/**
 * One enabled VF of a physical function.
 *
 * @param index      its N in the PF's {@code virtfnN}
 * @param address    its PCI address
 * @param driver     the driver bound to it, if any
 * @param iommuGroup its IOMMU group, if any
 * @param usedBy     who holds it (a QEMU, a libvirt domain, a Hostdev VM), if anyone
 */
public record VirtualFunction(int index, PciAddress address, Optional<String> driver, Optional<String> iommuGroup,
                              Optional<String> usedBy) {
}
