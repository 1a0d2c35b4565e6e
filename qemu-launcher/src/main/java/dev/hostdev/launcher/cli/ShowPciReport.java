package dev.hostdev.launcher.cli;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.guard.HostGuard;
import dev.hostdev.engine.guard.HostUse;
import dev.hostdev.engine.iommu.GroupViability;
import dev.hostdev.engine.iommu.IommuGroup;
import dev.hostdev.engine.iommu.IommuGroups;
import dev.hostdev.engine.iommu.Viability;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.pci.PciSelectorResolver;
import dev.hostdev.engine.pci.PciNames;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.state.DeviceRecord;
import dev.hostdev.engine.state.DeviceRecords;
import dev.hostdev.engine.state.StateDirectory;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code hostdev show} tells about one PCI device, gathered once and printed as text, JSON or XML.
 *
 * @param device       the device
 * @param names        pci.ids names for it and its group's members
 * @param group        its IOMMU group, empty when the IOMMU is off
 * @param groupMembers the group's members (the device included), as listed
 * @param viability    whether the group could be given to a VM once this device is detached (its other
 *                     members as they stand), empty without a group
 * @param selectors    the selectors that name the device alone on this host ({@code path:}, {@code serial:}, …)
 * @param record       Hostdev's record if Hostdev detached it ({@code /run/hostdev/devices/ADDR.json})
 * @param hostUses     how the host uses it; empty when that could not be determined
 */
record ShowPciReport(PciDevice device, PciNames names, Optional<IommuGroup> group, List<PciSummary> groupMembers,
        Optional<Viability> viability, Optional<DeviceRecord> record, Optional<List<HostUse>> hostUses,
        PciSelectorResolver.Report selectors) {

    ShowPciReport {
        Objects.requireNonNull(device);
        groupMembers = List.copyOf(groupMembers);
    }

    /** Reads everything about {@code address}; NOT_FOUND if it is absent. */
    static ShowPciReport gather(Sysfs sysfs, PciAddress address) {
        PciInventory inventory = new PciInventory(sysfs);
        PciDevice device = inventory.find(address);
        Optional<IommuGroup> group = device.iommuGroup().isPresent()
                ? new IommuGroups(sysfs).get(device.iommuGroup().getAsInt()) : Optional.empty();
        List<PciSummary> members = new ArrayList<>();
        group.ifPresent(g -> g.members().forEach(m -> inventory.get(m).ifPresent(d -> members.add(d.summary()))));
        Optional<Viability> viability = group.map(g -> GroupViability.check(g.number(), members, Set.of(address)));
        List<PciSummary> named = new ArrayList<>(members);
        named.add(device.summary());
        return new ShowPciReport(device, PciNames.lookup(sysfs.root(), named), group, members, viability,
                new DeviceRecords(new StateDirectory(sysfs.root())).find(address), hostUses(sysfs, address),
                new PciSelectorResolver(sysfs).report(address));
    }

    /** The host guard's findings, or empty when /proc or /sys lack what it reads. */
    private static Optional<List<HostUse>> hostUses(Sysfs sysfs, PciAddress address) {
        try {
            return Optional.of(new HostGuard(sysfs).hostUses(List.of(address)));
        } catch (HostdevException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The other members of the group. */
    List<PciSummary> otherMembers() {
        return groupMembers.stream().filter(m -> !m.address().equals(device.address())).toList();
    }

    /** The driver the device had before Hostdev moved it, when Hostdev did. */
    Optional<String> originalDriver() {
        return record.map(DeviceRecord::originalDriver);
    }
}
