package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few facts of a PCI device the per-device checks read from sysfs: driver, class, IOMMU group
 * and its members, and the bridges above it.
 */
final class PciDeviceView {
    private final Sysfs sysfs;
    private final PciAddress address;
    private final String dir;

    PciDeviceView(Sysfs sysfs, PciAddress address) {
        this.sysfs = sysfs;
        this.address = address;
        this.dir = "bus/pci/devices/" + address;
    }

    PciAddress address() {
        return address;
    }

    /** The sysfs directory relative to /sys. */
    String dir() {
        return dir;
    }

    Optional<String> driver() {
        return sysfs.linkName(dir + "/driver");
    }

    /** The class code, e.g. {@code 0x060400}, or empty. */
    Optional<String> classCode() {
        return sysfs.read(dir + "/class");
    }

    /** Whether this is a PCI-to-PCI bridge (class 0x0604xx), e.g. a root port or switch port. */
    boolean isBridge() {
        return classCode().map(c -> c.startsWith("0x0604")).orElse(false);
    }

    Optional<String> iommuGroup() {
        return sysfs.linkName(dir + "/iommu_group");
    }

    /** The other devices of its IOMMU group, in address order. */
    List<PciAddress> groupPeers() {
        return iommuGroup().map(g -> sysfs.list("kernel/iommu_groups/" + g + "/devices").stream()
                .map(PciAddress::tryParse).filter(a -> a != null && !a.equals(address)).toList())
                .orElse(List.of());
    }

    /** The PCI devices on the path from the root complex down to (not including) this one. */
    List<PciAddress> upstream() {
        List<PciAddress> path = new ArrayList<>();
        sysfs.canonical(dir).ifPresent(c -> {
            for (String part : c.split("/")) {
                PciAddress a = PciAddress.tryParse(part);
                if (a != null && !a.equals(address) && part.length() == 12) {
                    path.add(a);
                }
            }
        });
        return path;
    }

    Sysfs sysfs() {
        return sysfs;
    }
}
