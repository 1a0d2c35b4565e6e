package dev.hostdev.engine.iommu;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import java.util.List;

/**
 * An IOMMU group: the smallest set of devices the IOMMU can isolate from the rest, hence the unit
 * VFIO hands to a VM. {@code /sys/kernel/iommu_groups/N/devices}.
 *
 * @param number  the group number (the N in {@code /dev/vfio/N})
 * @param members the member devices, sorted
 */
public record IommuGroup(int number, List<PciAddress> members) {
    /** Requires a non-negative number; sorts and copies the members. */
    public IommuGroup {
        if (number < 0) {
            throw HostdevException.usage("not an IOMMU group number: " + number, "IOMMU groups are numbered from 0");
        }
        members = members.stream().sorted().toList();
    }

    /** Whether {@code address} is a member. */
    public boolean contains(PciAddress address) {
        return members.contains(address);
    }

    /** The members other than {@code address}. */
    public List<PciAddress> othersThan(PciAddress address) {
        return members.stream().filter(a -> !a.equals(address)).toList();
    }
}
