package dev.hostdev.engine.bind;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.iommu.GroupViability;
import dev.hostdev.engine.iommu.IommuGroup;
import dev.hostdev.engine.iommu.IommuGroups;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.pci.UnreadablePciEntry;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The devices a detach takes: those named (never a bridge), with {@code --group} every other endpoint of
 * their IOMMU groups, the bridges of those groups (left alone), and the groups themselves.
 *
 * @param devices the endpoints to move, in the order named, then group members by address
 * @param bridges the groups' bridges, with their state, which stay as they are
 * @param groups  the IOMMU groups concerned
 */
record DetachSelection(Map<PciAddress, PciDevice> devices, Map<PciAddress, BindingState> bridges, List<IommuGroup> groups) {

    /**
     * @throws HostdevException NOT_FOUND for an absent device, USAGE for a bridge, ENVIRONMENT for a
     *                          device in no IOMMU group when the target is vfio-pci
     */
    static DetachSelection select(List<PciAddress> requested, DetachOptions options, PciInventory inventory,
                                  IommuGroups iommu, BindingProbe probe) {
        Map<PciAddress, PciDevice> chosen = new LinkedHashMap<>();
        Map<PciAddress, BindingState> bridges = new TreeMap<>();
        Map<Integer, IommuGroup> groups = new LinkedHashMap<>();
        boolean needGroup = true; // every driver a detach accepts is a VFIO driver, which needs the group
        for (PciAddress a : new LinkedHashSet<>(requested)) {
            PciDevice d = inventory.find(a);
            if (d.isBridge()) {
                throw HostdevException.usage(a + " is a PCI bridge (class 0x" + String.format("%06x", d.classCode())
                                + "): bridges stay with the host and do not stop their group being viable",
                        "detach the endpoint devices behind it instead ('hostdev groups' lists them)");
            }
            chosen.put(a, d);
            if (needGroup) {
                IommuGroup g = iommu.of(a);
                groups.putIfAbsent(g.number(), g);
            }
        }
        if (options.wholeGroup()) {
            for (IommuGroup g : groups.values()) {
                for (PciAddress m : g.members()) {
                    Optional<PciDevice> d = chosen.containsKey(m) ? Optional.empty() : readable(inventory, m);
                    if (d.isPresent() && d.get().isBridge()) {
                        bridges.put(m, probe.state(m));
                    } else if (d.isPresent()) {
                        chosen.put(m, d.get());
                    }
                }
            }
        }
        return new DetachSelection(chosen, bridges, List.copyOf(groups.values()));
    }

    /**
     * A group member, empty if it is gone; one that is there but cannot be read stops the detach (its
     * driver cannot be judged, so the group cannot be called viable, nor the member be moved blind).
     */
    private static Optional<PciDevice> readable(PciInventory inventory, PciAddress member) {
        Optional<PciDevice> d = inventory.get(member);
        if (d.isEmpty()) {
            Optional<UnreadablePciEntry> bad = inventory.unreadable(member);
            if (bad.isPresent()) {
                throw PciInventory.cannotRead(bad.get());
            }
        }
        return d;
    }

    /**
     * Checks each group will be viable once the selection is detached: every other endpoint on vfio-pci,
     * pci-stub or no driver.
     *
     * @throws HostdevException NOT_VIABLE naming the members in the way and the fix
     */
    void requireViable(PciInventory inventory) {
        for (IommuGroup g : groups) {
            List<PciDevice> members = g.members().stream().map(m -> readable(inventory, m)).flatMap(Optional::stream)
                    .toList();
            GroupViability.check(g.number(), members, devices.keySet()).requireViable();
        }
    }
}
