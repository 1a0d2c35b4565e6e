package dev.hostdev.engine.bind;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.iommu.GroupViability;
import dev.hostdev.engine.iommu.IommuGroup;
import dev.hostdev.engine.iommu.IommuGroups;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.pci.UnreadablePciEntry;
import dev.hostdev.engine.pci.VmdDomain;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The devices a detach takes: those named (never a bridge), with {@code --group} every other endpoint of
 * their IOMMU groups, the bridges of those groups (left alone), and the groups themselves.
 *
 * @param devices the endpoints to move, in the order named, then group members by address
 * @param bridges the groups' bridges, with their state, which stay as they are
 * @param groups  the IOMMU groups concerned
 * @param vanishing the devices behind a VMD controller being detached, each with its controller: they leave the
 *                  host with it (its unbind removes their whole domain), so nothing is written to them
 */
record DetachSelection(Map<PciAddress, PciDevice> devices, Map<PciAddress, BindingState> bridges, List<IommuGroup> groups,
                       Map<PciAddress, PciAddress> vanishing) {

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
        Map<PciAddress, PciAddress> vanishing = vmdDomains(chosen, new LinkedHashSet<>(requested), inventory);
        return new DetachSelection(chosen, bridges, List.copyOf(groups.values()), vanishing);
    }

    /**
     * Refuses a device behind Intel VMD unless its controller was named (a controller that {@code --group} adds
     * does not count: the user asked for a drive, and would get the whole domain), and takes out of the
     * selection every device behind a VMD controller being detached (after the controller's unbind they no
     * longer exist: a write to them would fail half-way through the plan).
     *
     * @return the devices of the chosen controllers' domains, each with its controller, by address
     * @throws HostdevException USAGE naming the device, its VMD controller and the fix
     */
    private static Map<PciAddress, PciAddress> vmdDomains(Map<PciAddress, PciDevice> chosen, Set<PciAddress> named,
                                                          PciInventory inventory) {
        Set<PciAddress> controllers = new HashSet<>();
        for (PciDevice d : chosen.values()) {
            Optional<PciAddress> vmd = VmdDomain.controllerOf(d);
            if (vmd.isPresent() && !namedController(d, named)) {
                PciAddress c = vmd.get();
                throw HostdevException.usage(VmdDomain.notAssignableAlone(d.address(), c),
                        c + " (Intel VMD) owns domain " + String.format("%04x", d.address().domain())
                                + "; its drives cannot be given to a VM one by one: detach the VMD controller " + c
                                + " itself (every drive behind it goes with it; none may hold a host filesystem)");
            }
            if (named.contains(d.address())) {
                controllers.add(d.address());
            }
        }
        Map<PciAddress, PciAddress> vanishing = new TreeMap<>();
        for (PciDevice d : inventory.all()) {
            for (PciAddress c : controllers) {
                if (!d.address().equals(c) && VmdDomain.isBehind(d, c)) {
                    vanishing.put(d.address(), c);
                }
            }
        }
        chosen.keySet().removeAll(vanishing.keySet());
        return vanishing;
    }

    /** Whether a VMD controller owning {@code d}'s domain (at any depth) was named. */
    private static boolean namedController(PciDevice d, Set<PciAddress> named) {
        return named.stream().anyMatch(c -> !c.equals(d.address()) && VmdDomain.isBehind(d, c));
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
            Set<PciAddress> going = new HashSet<>(devices.keySet());
            going.addAll(vanishing.keySet());
            GroupViability.check(g.number(), members, going).requireViable();
        }
    }
}
