package dev.hostdev.engine.pci;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The few facts {@code hostdev list} shows for a PCI function, read with as few sysfs reads as
 * possible (a listing of thousands of devices reads only these).
 *
 * @param vendorId   16-bit vendor ID
 * @param deviceId   16-bit device ID
 * @param classCode  24-bit class code
 * @param revision   revision ID
 * @param driver     the bound driver, if any
 * @param iommuGroup the IOMMU group, empty when the IOMMU is off
 * @param numaNode   the NUMA node (-1 when the platform has none); empty when it was not read
 *                   ({@link PciInventory#summaries(boolean)} with {@code false}, for a listing that
 *                   does not show it)
 */
public record PciSummary(PciAddress address, int vendorId, int deviceId, int classCode, int revision,
        Optional<String> driver, OptionalInt iommuGroup, OptionalInt numaNode) implements PciFunction {
    /** Checks the ID ranges. */
    public PciSummary {
        Objects.requireNonNull(address);
        Objects.requireNonNull(driver);
        Objects.requireNonNull(iommuGroup);
        Objects.requireNonNull(numaNode);
        PciDevice.checkIds(address, vendorId, deviceId, classCode, revision);
    }
}
