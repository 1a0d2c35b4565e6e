package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.List;
import java.util.Map;

/**
 * The lab guest's devices that the walk-through uses, found by their IDs in the guest's
 * {@code lspci -Dn} (full addresses), with every device's IOMMU group as the kernel reports it.
 *
 * @param nic           the first e1000e: detached by hand and given to the nested VM at start
 * @param spareNic      the second e1000e: hotplugged (managed) into a spare root port
 * @param legacy        the first e1000 behind the pcie-pci-bridge: hotplugged behind the nested bridge
 * @param legacySibling the second e1000 behind the bridge, in the same IOMMU group
 * @param bridge        the pcie-pci-bridge
 * @param lspci         the devices as {@code lspci -Dn} lists them
 * @param groups        IOMMU group number of each device address
 */
public record LabDevices(String nic, String spareNic, String legacy, String legacySibling, String bridge,
        List<GuestPciDevice> lspci, Map<String, String> groups) {

    /** Copies the collections. */
    public LabDevices {
        lspci = List.copyOf(lspci);
        groups = Map.copyOf(groups);
    }

    /**
     * Finds the devices in the output of {@code lspci -Dn} and of a listing of
     * {@code ADDRESS GROUP} lines.
     *
     * @throws HostdevException {@link ErrorCode#ENVIRONMENT} when the guest lacks one of them
     */
    public static LabDevices find(String lspciDn, String groupLines) {
        List<GuestPciDevice> all = GuestPciDevice.parseLspci(lspciDn);
        List<GuestPciDevice> nics = GuestPciDevice.withId(all, LabMachine.E1000E_ID);
        List<GuestPciDevice> legacy = GuestPciDevice.withId(all, LabMachine.E1000_ID);
        List<GuestPciDevice> bridges = GuestPciDevice.withId(all, LabMachine.PCIE_PCI_BRIDGE_ID);
        if (nics.size() < 2 || legacy.size() < 2 || bridges.isEmpty()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "the lab guest lacks its devices: found " + nics.size()
                    + " e1000e, " + legacy.size() + " e1000, " + bridges.size() + " pcie-pci-bridge",
                    "the lab machine needs two e1000e and two e1000 behind a pcie-pci-bridge (" + LabMachine.RESOURCE + ")");
        }
        Map<String, String> groups = new java.util.TreeMap<>();
        for (String line : groupLines.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2) {
                groups.put(f[0], f[1]);
            }
        }
        return new LabDevices(nics.get(0).address(), nics.get(1).address(), legacy.get(0).address(),
                legacy.get(1).address(), bridges.get(0).address(), all, groups);
    }

    /** The shell command printing {@code ADDRESS GROUP} for every PCI device, as {@link #find} reads it. */
    public static final String GROUPS_COMMAND =
            "for d in /sys/bus/pci/devices/*; do g=$(readlink $d/iommu_group); echo \"${d##*/} ${g##*/}\"; done";

    /** The devices the walk moves between drivers, and the bridge: whose drivers each step reads. */
    public List<String> watched() {
        return List.of(nic, spareNic, legacy, legacySibling, bridge);
    }

    /** The IOMMU group of a device, or {@code ?}. */
    public String groupOf(String address) {
        return groups.getOrDefault(address, "?");
    }
}
