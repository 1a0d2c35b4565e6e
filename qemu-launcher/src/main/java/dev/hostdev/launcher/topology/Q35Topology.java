package dev.hostdev.launcher.topology;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Q35 layout of a VM: its root ports in pcie.0 order and the pcie-pci-bridge, if any. A value:
 * compare it, print it ({@link #toJson()}), ask it where a device sits or what is free for hotplug.
 *
 * @param rootPorts root ports, in controller-index order (also their order on pcie.0)
 * @param bridge    the pcie-pci-bridge, if the VM has one
 */
public record Q35Topology(List<RootPortPlan> rootPorts, Optional<BridgePlan> bridge) {
    /** Copies the list; checks the bridge's root port is in it. */
    public Q35Topology {
        rootPorts = List.copyOf(rootPorts);
        if (bridge.isPresent()) {
            String port = bridge.get().rootPort();
            if (rootPorts.stream().noneMatch(p -> p.port().id().equals(port) && p.role() == PortRole.BRIDGE)) {
                throw new IllegalArgumentException("bridge root port " + port + " missing");
            }
        }
    }

    /** The root port with this id ({@code pci.N}). */
    public Optional<RootPortPlan> rootPort(String id) {
        return rootPorts.stream().filter(p -> p.port().id().equals(id)).findFirst();
    }

    /** Root ports free at start ({@code [[hotplug]]} and spare ports), in pcie.0 order. */
    public List<RootPortPlan> freeRootPorts() {
        return rootPorts.stream().filter(RootPortPlan::isFree).toList();
    }

    /**
     * The port a hotplugged device should take, given the ports taken since start: the port sized
     * for this host device, else a spare port, else a port sized by {@code size} only, else a port
     * sized for another device (its windows may still fit). Empty when every free port is taken.
     *
     * @param device   the host device being hotplugged, empty for an emulated device
     * @param occupied ids of free-at-start ports that now hold a device
     */
    public Optional<RootPortPlan> choosePort(Optional<dev.hostdev.engine.pci.PciAddress> device, java.util.Set<String> occupied) {
        List<RootPortPlan> free = freeRootPorts().stream().filter(p -> !occupied.contains(p.port().id())).toList();
        java.util.function.Predicate<RootPortPlan> forThis = p -> device.isPresent() && p.reservation().forDevice().equals(device);
        java.util.function.Predicate<RootPortPlan> spare = p -> p.role() == PortRole.SPARE;
        java.util.function.Predicate<RootPortPlan> sizeOnly = p -> p.role() == PortRole.HOTPLUG && p.reservation().forDevice().isEmpty();
        for (java.util.function.Predicate<RootPortPlan> rule : List.of(forThis, spare, sizeOnly, p -> true)) {
            Optional<RootPortPlan> hit = free.stream().filter(rule).findFirst();
            if (hit.isPresent()) {
                return hit;
            }
        }
        return Optional.empty();
    }

    /** Slots of the pcie-pci-bridge free at start; empty without a bridge. */
    public List<Integer> freeBridgeSlots() {
        return bridge.map(BridgePlan::freeSlots).orElse(List.of());
    }

    /** The root port reserved and sized for a host device, if the spec has a [[hotplug]] for it. */
    public Optional<RootPortPlan> hotplugPortFor(dev.hostdev.engine.pci.PciAddress address) {
        return rootPorts.stream().filter(p -> p.role() == PortRole.HOTPLUG
                && p.reservation().forDevice().map(address::equals).orElse(false)).findFirst();
    }

    /** Where a device plugged in at start sits, by its id. */
    public Optional<Placement> placementOf(String deviceId) {
        for (RootPortPlan p : rootPorts) {
            if (p.occupant().map(deviceId::equals).orElse(false)) {
                return Optional.of(Placement.onRootPort(p.port().id()));
            }
        }
        if (bridge.isPresent()) {
            for (Map.Entry<Integer, String> e : bridge.get().occupants().entrySet()) {
                if (e.getValue().equals(deviceId)) {
                    return Optional.of(new Placement(bridge.get().id(), e.getKey(), 0));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The slot map as JSON: {@code {"root_ports":[{"id","bus","addr","chassis","port","role","device"|null,
     * "mem_reserve","pref64_reserve","bus_reserve","sized_for"}…], "bridge":{"id","root_port","slots":[{"addr","device"|null}…]}|null}}.
     * Every bridge slot 1 to 31 is listed, free ones with {@code device: null}.
     */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        ArrayNode ports = root.putArray("root_ports");
        for (RootPortPlan p : rootPorts) {
            ObjectNode o = ports.addObject();
            o.put("id", p.port().id());
            o.put("bus", "pcie.0");
            o.put("addr", p.port().placement().addr());
            o.put("chassis", p.port().chassis());
            o.put("port", p.port().port());
            o.put("role", p.role().jsonName());
            o.put("device", p.occupant().orElse(null));
            PortReservation r = p.reservation();
            r.mem().ifPresent(m -> o.put("mem_reserve", m.bytes()));
            r.pref64().ifPresent(m -> o.put("pref64_reserve", m.bytes()));
            r.busReserve().ifPresent(b -> o.put("bus_reserve", b));
            r.forDevice().ifPresent(a -> o.put("sized_for", a.toString()));
        }
        if (bridge.isPresent()) {
            BridgePlan b = bridge.get();
            ObjectNode o = root.putObject("bridge");
            o.put("id", b.id());
            o.put("root_port", b.rootPort());
            ArrayNode slots = o.putArray("slots");
            for (int s = BridgePlan.FIRST_SLOT; s <= BridgePlan.LAST_SLOT; s++) {
                ObjectNode slot = slots.addObject();
                slot.put("addr", new Placement(b.id(), s, 0).addr());
                slot.put("device", b.occupants().get(s));
            }
        } else {
            root.putNull("bridge");
        }
        return root;
    }
}
