package dev.hostdev.launcher.vm;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.hostdev.launcher.topology.BridgePlan;
import dev.hostdev.launcher.topology.PortRole;
import dev.hostdev.launcher.topology.Q35Topology;
import dev.hostdev.launcher.topology.RootPortPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which root ports and pcie-pci-bridge slots of a running VM are occupied. Made from the plan's
 * topology at start, kept in {@code state.json}, updated by attach and unplug. Root ports cannot be
 * added to a running VM, so this is all the room hotplug has.
 *
 * @param slots every slot, root ports in pcie.0 order then bridge slots in order
 */
public record SlotMap(List<Slot> slots) {
    /** The role name of a bridge slot. */
    public static final String BRIDGE_SLOT_ROLE = "bridge_slot";

    /** Copies the list. */
    public SlotMap {
        slots = List.copyOf(slots);
    }

    /** The slot map a topology starts with. */
    public static SlotMap of(Q35Topology topology) {
        List<Slot> s = new ArrayList<>();
        for (RootPortPlan p : topology.rootPorts()) {
            String occupant = p.role() == PortRole.BRIDGE ? topology.bridge().map(BridgePlan::id).orElse(null) : p.occupant().orElse(null);
            s.add(new Slot(SlotKind.ROOT_PORT, p.port().id(), "0x0", p.port().id(), p.role().jsonName(),
                    p.reservation().forDevice().map(Object::toString).orElse(null), occupant,
                    p.reservation().pref64().map(m -> m.bytes()).orElse(null)));
        }
        topology.bridge().ifPresent(b -> {
            for (int n = BridgePlan.FIRST_SLOT; n <= BridgePlan.LAST_SLOT; n++) {
                s.add(new Slot(SlotKind.BRIDGE_SLOT, b.id(), "0x" + Integer.toHexString(n), b.rootPort(), BRIDGE_SLOT_ROLE, null,
                        b.occupants().get(n)));
            }
        });
        return new SlotMap(s);
    }

    /**
     * The slot a new device should take: for a root port, one sized for this host device first, then a
     * spare, then any other free port (e.g. one freed by an unplug), each in pcie.0 order; for the
     * bridge, its lowest free slot.
     *
     * @param hostAddress the host PCI device being plugged, or {@code null}
     */
    public Optional<Slot> pick(SlotKind kind, String hostAddress) {
        List<Slot> free = slots.stream().filter(s -> s.kind() == kind && s.isFree()).toList();
        if (kind == SlotKind.BRIDGE_SLOT) {
            return free.stream().findFirst();
        }
        Optional<Slot> sized = free.stream().filter(s -> hostAddress != null && hostAddress.equals(s.sizedFor())).findFirst();
        if (sized.isPresent()) {
            return sized;
        }
        Optional<Slot> spare = free.stream().filter(s -> s.role().equals(PortRole.SPARE.jsonName())).findFirst();
        if (spare.isPresent()) {
            return spare;
        }
        return free.stream().filter(s -> s.sizedFor() == null).findFirst().or(() -> free.stream().findFirst());
    }

    /** The slot holding device {@code id}. */
    public Optional<Slot> slotOf(String id) {
        return slots.stream().filter(s -> id.equals(s.occupant())).findFirst();
    }

    /** This map with {@code slot} taken by {@code id}. */
    public SlotMap occupy(Slot slot, String id) {
        return replace(slot, slot.withOccupant(id));
    }

    /** This map with device {@code id}'s slot free again (unchanged if it holds none). */
    public SlotMap release(String id) {
        return slotOf(id).map(s -> replace(s, s.withOccupant(null))).orElse(this);
    }

    /** How many free slots of a kind. */
    public long freeCount(SlotKind kind) {
        return slots.stream().filter(s -> s.kind() == kind && s.isFree()).count();
    }

    /** Whether the VM has a pcie-pci-bridge. */
    @JsonIgnore
    public boolean hasBridge() {
        return slots.stream().anyMatch(s -> s.kind() == SlotKind.BRIDGE_SLOT);
    }

    private SlotMap replace(Slot old, Slot now) {
        List<Slot> s = new ArrayList<>(slots);
        int i = indexOf(s, old);
        if (i < 0) {
            throw new IllegalArgumentException("no such slot: " + old.describe());
        }
        s.set(i, now);
        return new SlotMap(s);
    }

    /**
     * Where {@code slot} is: found by identity when it is one of this map's (the usual case), else by equality. A record's
     * generated equals links through java.lang.invoke on its first call, 15-20 ms of a one-attach process.
     */
    private static int indexOf(List<Slot> slots, Slot slot) {
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i) == slot) {
                return i;
            }
        }
        return slots.indexOf(slot);
    }
}
