package dev.hostdev.launcher.topology;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The PCI Express expander bridges ({@code pxb-pcie}) of a VM with guest NUMA nodes: one per guest node
 * that has devices, on a slot of pcie.0 the root ports leave free (from 0x1e down; 0x1f is the ICH9's), with
 * {@code numa_node=} that node and a root port for each of its devices, so that the guest reads the device's
 * {@code numa_node} right. Its root ports are not in the {@link Q35Topology}'s slot map: they are occupied
 * at start, and hotplug uses the map's free ports.
 *
 * @param expanders the expanders, by guest node
 */
public record PxbLayout(List<Expander> expanders) {
    /** The first bus number of the first expander; pcie.0's own hierarchy numbers its buses below it. */
    public static final int FIRST_BUS = 0x80;
    /** Bus numbers each expander owns (its own and its root ports'). */
    public static final int BUSES_EACH = 0x10;
    /** Chassis numbers of expander root ports start here, above those of pcie.0's ports ({@code pci.N}, N below 200). */
    public static final int FIRST_CHASSIS = 200;

    /** Copies the list. */
    public PxbLayout {
        expanders = List.copyOf(expanders);
    }

    /** An expander with no devices: a VM without guest NUMA nodes. */
    public static PxbLayout none() {
        return new PxbLayout(List.of());
    }

    /**
     * Lays out expanders for devices on guest nodes.
     *
     * @param deviceNodes the guest node of each device, by id, in the order they go on the expander
     * @param used        the pcie.0 slots the rest of the plan takes
     * @throws IllegalArgumentException when pcie.0 or bus numbers run out (named)
     */
    public static PxbLayout plan(Map<String, Integer> deviceNodes, java.util.Set<Integer> used) {
        Map<Integer, List<String>> byNode = new TreeMap<>();
        deviceNodes.forEach((id, node) -> byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(id));
        List<Expander> out = new ArrayList<>();
        int slot = 0x1e;
        int chassis = FIRST_CHASSIS;
        for (Map.Entry<Integer, List<String>> e : byNode.entrySet()) {
            while (used.contains(slot) && slot > 0) {
                slot--;
            }
            if (slot <= 0) {
                throw new IllegalArgumentException("pcie.0 has no free slot left for the pxb-pcie of guest node " + e.getKey());
            }
            int index = out.size();
            int busNr = FIRST_BUS + index * BUSES_EACH;
            if (busNr + BUSES_EACH > 0x100 || e.getValue().size() >= BUSES_EACH || chassis + e.getValue().size() > 255) {
                throw new IllegalArgumentException("too many devices on guest nodes for pxb-pcie bus numbers: at most "
                        + (BUSES_EACH - 1) + " per node and " + ((0x100 - FIRST_BUS) / BUSES_EACH) + " nodes with devices");
            }
            List<Port> ports = new ArrayList<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                ports.add(new Port("numa" + e.getKey() + ".rp" + i, e.getValue().get(i), chassis, i));
                chassis++;
            }
            out.add(new Expander(e.getKey(), "numa" + e.getKey(), slot, busNr, ports));
            slot--;
        }
        return new PxbLayout(out);
    }

    /** Where a device on an expander's root port sits, by its id. */
    public Optional<Placement> placementOf(String deviceId) {
        for (Expander x : expanders) {
            for (Port p : x.ports()) {
                if (p.device().equals(deviceId)) {
                    return Optional.of(Placement.onRootPort(p.id()));
                }
            }
        }
        return Optional.empty();
    }

    /** As JSON: {@code [{"id","guest_node","addr","bus_nr","root_ports":[{"id","device","chassis"}…]}…]}. */
    public ArrayNode toJson() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (Expander x : expanders) {
            ObjectNode o = a.addObject().put("id", x.id()).put("guest_node", x.guestNode())
                    .put("addr", new Placement("pcie.0", x.slot(), 0).addr()).put("bus_nr", x.busNr());
            ArrayNode ports = o.putArray("root_ports");
            x.ports().forEach(p -> ports.addObject().put("id", p.id()).put("device", p.device()).put("chassis", p.chassis()));
        }
        return a;
    }

    /**
     * One {@code pxb-pcie}.
     *
     * @param guestNode its {@code numa_node}
     * @param id        its id, also the bus its root ports plug into
     * @param slot      its slot on pcie.0
     * @param busNr     its {@code bus_nr}
     * @param ports     its root ports, one device each
     */
    public record Expander(int guestNode, String id, int slot, int busNr, List<Port> ports) {
        /** Copies the list. */
        public Expander {
            ports = List.copyOf(ports);
        }
    }

    /**
     * A root port on an expander.
     *
     * @param id      its id (the device's bus)
     * @param device  the id of the device on it
     * @param chassis its chassis (unique in the VM) and, as libvirt does, its port number
     * @param slot    its slot on the expander's bus
     */
    public record Port(String id, String device, int chassis, int slot) {
    }
}
