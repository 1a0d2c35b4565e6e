package dev.hostdev.launcher.topology;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.MemorySize;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeMap;
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
                return Optional.of(Placement.onRootPort(p.port().id(), 0, p.holdsMultiFunctionDevice()));
            }
            for (Map.Entry<Integer, String> f : p.functions().entrySet()) {
                if (f.getValue().equals(deviceId)) {
                    return Optional.of(Placement.onRootPort(p.port().id(), f.getKey(), false));
                }
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
     * The slot map as JSON: {@code {"root_ports":[{"id","bus","addr","chassis","port","multifunction","role","device"|null,
     * "mem_reserve","pref64_reserve","bus_reserve","sized_for",
     * "functions":[{"addr":"0x0.0x1","device"}…]}…] (the other functions of a multi-function device at the port's function 0), "bridge":{"id","root_port","slots":[{"addr","device"|null}…]}|null}}.
     * Every bridge slot 1 to 31 is listed, free ones with {@code device: null}. {@link #fromJson} reads it back,
     * so a starter can save the map of a running VM for later hotplugs.
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
            o.put("multifunction", p.multifunction());
            o.put("role", p.role().jsonName());
            o.put("device", p.occupant().orElse(null));
            PortReservation r = p.reservation();
            // null, never an absent key (docs/json.md): the reader below takes null as "none"
            o.put("mem_reserve", r.mem().map(m -> m.bytes()).orElse(null));
            o.put("pref64_reserve", r.pref64().map(m -> m.bytes()).orElse(null));
            o.put("bus_reserve", r.busReserve().isPresent() ? r.busReserve().getAsInt() : null);
            o.put("sized_for", r.forDevice().map(Object::toString).orElse(null));
            ArrayNode functions = o.putArray("functions");
            p.functions().forEach((fn, id) -> functions.addObject().put("addr", new Placement(p.port().id(), 0, fn).addr()).put("device", id));
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

    /**
     * Reads back what {@link #toJson()} wrote.
     *
     * @throws IllegalArgumentException if the JSON is not such a slot map
     */
    public static Q35Topology fromJson(JsonNode json) {
        List<RootPortPlan> ports = new ArrayList<>();
        for (JsonNode o : json.path("root_ports")) {
            String id = o.path("id").asText();
            Placement at = parseAddr("pcie.0", o.path("addr").asText());
            RootPort port = new RootPort(index(id), at.slot(), at.function());
            if (port.chassis() != o.path("chassis").asInt() || port.port() != o.path("port").asInt()) {
                throw new IllegalArgumentException("root port " + id + ": chassis/port do not match its id and address");
            }
            PortReservation r = new PortReservation(size(o, "mem_reserve"), size(o, "pref64_reserve"),
                    o.hasNonNull("bus_reserve") ? OptionalInt.of(o.get("bus_reserve").asInt()) : OptionalInt.empty(),
                    o.hasNonNull("sized_for") ? Optional.of(PciAddress.parse(o.get("sized_for").asText())) : Optional.empty());
            TreeMap<Integer, String> functions = new TreeMap<>();
            for (JsonNode f : o.path("functions")) {
                functions.put(parseAddr(id, f.path("addr").asText()).function(), f.path("device").asText());
            }
            ports.add(new RootPortPlan(port, PortRole.valueOf(o.path("role").asText().toUpperCase(java.util.Locale.ROOT)),
                    o.hasNonNull("device") ? Optional.of(o.get("device").asText()) : Optional.empty(),
                    o.path("multifunction").asBoolean(), r, functions));
        }
        Optional<BridgePlan> bridge = Optional.empty();
        JsonNode b = json.path("bridge");
        if (b.isObject()) {
            TreeMap<Integer, String> occupants = new TreeMap<>();
            for (JsonNode slot : b.path("slots")) {
                if (slot.hasNonNull("device")) {
                    occupants.put(parseAddr(b.path("id").asText(), slot.path("addr").asText()).slot(), slot.get("device").asText());
                }
            }
            bridge = Optional.of(new BridgePlan(index(b.path("id").asText()), b.path("root_port").asText(), occupants));
        }
        return new Q35Topology(ports, bridge);
    }

    private static int index(String id) {
        if (!id.matches("pci\\.[1-9][0-9]{0,2}")) {
            throw new IllegalArgumentException("not a controller id: " + id);
        }
        return Integer.parseInt(id.substring(4));
    }

    private static Placement parseAddr(String bus, String addr) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("0x([0-9a-f]{1,2})(?:\\.0x([0-7]))?").matcher(addr);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a PCI addr: " + addr);
        }
        return new Placement(bus, Integer.parseInt(m.group(1), 16), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    private static Optional<MemorySize> size(JsonNode o, String field) {
        return o.hasNonNull(field) ? Optional.of(new MemorySize(o.get(field).asLong())) : Optional.empty();
    }
}
