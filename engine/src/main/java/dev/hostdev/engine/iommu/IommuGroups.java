package dev.hostdev.engine.iommu;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Reads IOMMU groups from {@code /sys/kernel/iommu_groups}. */
public final class IommuGroups {
    private static final String GROUPS = "kernel/iommu_groups";
    private final Sysfs sysfs;

    /** @param sysfs the sysfs to read */
    public IommuGroups(Sysfs sysfs) {
        this.sysfs = Objects.requireNonNull(sysfs);
    }

    /** Whether the kernel has any IOMMU group (no groups: the IOMMU is off or absent). */
    public boolean iommuEnabled() {
        return !sysfs.list(GROUPS).isEmpty();
    }

    /** Every group, by number. */
    public List<IommuGroup> all() {
        List<IommuGroup> out = new ArrayList<>();
        for (String name : sysfs.list(GROUPS)) {
            int n = number(name);
            if (n >= 0) {
                out.add(read(n));
            }
        }
        out.sort((a, b) -> Integer.compare(a.number(), b.number()));
        return out;
    }

    /** Group {@code number}, or empty if there is no such group. */
    public Optional<IommuGroup> get(int number) {
        return sysfs.isDirectory(GROUPS + "/" + number) ? Optional.of(read(number)) : Optional.empty();
    }

    /**
     * The group of a device, read from its {@code iommu_group} link.
     *
     * @throws HostdevException (not_found) if the device is absent, (environment) if it has no group
     */
    public IommuGroup of(PciAddress device) {
        String dev = "bus/pci/devices/" + device;
        if (!sysfs.exists(dev)) {
            throw HostdevException.notFound("no PCI device " + device + " on this host",
                    "run 'hostdev list' to see the PCI devices and their addresses");
        }
        Optional<String> link = sysfs.linkName(dev + "/iommu_group");
        int n = link.map(IommuGroups::number).orElse(-1);
        if (n < 0) {
            throw new HostdevException(ErrorCode.ENVIRONMENT,
                    "PCI device " + device + " is in no IOMMU group: the IOMMU is off or absent",
                    "turn on VT-d/AMD-Vi in the firmware and boot with intel_iommu=on (or amd_iommu=on); "
                            + "'hostdev doctor' checks this");
        }
        return read(n);
    }

    private IommuGroup read(int number) {
        List<PciAddress> members = new ArrayList<>();
        for (String name : sysfs.list(GROUPS + "/" + number + "/devices")) {
            PciAddress a = PciAddress.tryParse(name);
            if (a != null) {
                members.add(a);
            }
        }
        return new IommuGroup(number, members);
    }

    private static int number(String name) {
        if (name.isEmpty() || name.length() > 9 || !name.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(name);
    }
}
