package dev.hostdev.engine.iommu;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciFunction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rule VFIO applies before it lets a process open a group (the kernel's "group is not viable"):
 * every member must be bound to a VFIO driver, to {@code pci-stub}, or to no driver; PCI-to-PCI
 * bridges (root ports, switch ports, QEMU's pcie-pci-bridge, whatever their driver: {@code pcieport}
 * manages its own DMA) do not count. A pure function of the members' classes and drivers.
 */
public final class GroupViability {
    private GroupViability() {
    }

    /**
     * @param group     the group number
     * @param members   the group's members with their class and driver
     * @param detaching members about to be moved to vfio-pci: they count as already there
     */
    public static Viability check(int group, Collection<? extends PciFunction> members, Set<PciAddress> detaching) {
        List<Blocker> blockers = new ArrayList<>();
        for (PciFunction m : members) {
            if (m.isBridge() || detaching.contains(m.address())) {
                continue;
            }
            Optional<String> driver = m.driver();
            if (driver.isPresent() && !isAssignableDriver(driver.get())) {
                blockers.add(new Blocker(m.address(), driver.get()));
            }
        }
        blockers.sort((a, b) -> a.address().compareTo(b.address()));
        return new Viability(group, blockers);
    }

    /** {@code vfio-pci}, a vendor's VFIO variant driver ({@code mlx5_vfio_pci}…), or {@code pci-stub}. */
    public static boolean isAssignableDriver(String driver) {
        return driver.equals("vfio-pci") || driver.equals("pci-stub") || driver.endsWith("_vfio_pci")
                || driver.endsWith("-vfio-pci");
    }
}
