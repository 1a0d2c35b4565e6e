package dev.hostdev.launcher.topology;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a device hotplugged into a running VM goes, from the VM's start-time {@link Q35Topology}
 * and the places taken since: a PCI Express device on a free root port (the one sized for it
 * first, see {@link Q35Topology#choosePort}), a conventional PCI device on a free slot of the
 * pcie-pci-bridge. Root ports and bridges cannot be added to a running VM, so running out is an
 * error that says what the VM was started with and what to raise.
 */
public final class HotplugPlacer {
    private final Q35Topology topology;

    /** @param topology the VM's topology as planned at start */
    public HotplugPlacer(Q35Topology topology) {
        this.topology = topology;
    }

    /**
     * The place for a device.
     *
     * @param device          the host device, empty for an emulated one
     * @param conventionalPci whether it goes behind the bridge (no PCI Express capability, or asked so)
     * @param taken           places holding devices hotplugged since start (still there)
     * @return the bus and address to give {@code device_add} ({@code addr} always set: QEMU would
     *         otherwise accept a second device at slot 1 of a root port, where the guest never sees it)
     * @throws HostdevException state when no place is left, naming the counts and the fix
     */
    public Placement place(Optional<PciAddress> device, boolean conventionalPci, Set<Placement> taken) {
        return conventionalPci ? bridgeSlot(taken) : rootPort(device, taken);
    }

    private Placement rootPort(Optional<PciAddress> device, Set<Placement> taken) {
        Set<String> occupied = taken.stream().filter(p -> p.slot() == 0 && p.function() == 0).map(Placement::bus)
                .collect(Collectors.toSet());
        return topology.choosePort(device, occupied).map(p -> Placement.onRootPort(p.port().id())).orElseThrow(() -> {
            long spare = topology.rootPorts().stream().filter(p -> p.role() == PortRole.SPARE).count();
            long hotplug = topology.rootPorts().stream().filter(p -> p.role() == PortRole.HOTPLUG).count();
            return new HostdevException(ErrorCode.STATE, "no free root port: the VM was started with " + spare
                    + " spare root port" + (spare == 1 ? "" : "s") + " and " + hotplug + " [[hotplug]] port" + (hotplug == 1 ? "" : "s")
                    + ", all in use", "root ports cannot be added to a running VM: raise spare_root_ports (or add a [[hotplug]])"
                    + " in its spec and start it again, or unplug a device first");
        });
    }

    private Placement bridgeSlot(Set<Placement> taken) {
        BridgePlan bridge = topology.bridge().orElseThrow(() -> new HostdevException(ErrorCode.STATE,
                "the VM has no pcie-pci-bridge, so a conventional PCI device cannot be hotplugged into it",
                "a bridge cannot be added to a running VM: set legacy_hotplug = true in its spec and start it again"));
        return bridge.freeSlots().stream().map(s -> new Placement(bridge.id(), s, 0)).filter(p -> !taken.contains(p)).findFirst()
                .orElseThrow(() -> new HostdevException(ErrorCode.STATE, "no free slot on the pcie-pci-bridge " + bridge.id()
                        + ": its " + (BridgePlan.LAST_SLOT - BridgePlan.FIRST_SLOT + 1) + " slots are all in use",
                        "unplug a conventional PCI device first"));
    }
}
