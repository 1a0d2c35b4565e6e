package dev.hostdev.launcher.vm;

import java.util.Objects;

/**
 * One place a PCI device can sit, and what sits there.
 *
 * @param kind     root port or bridge slot
 * @param bus      the {@code bus=} a device there gets: the root port's id, or the bridge's
 * @param addr     the {@code addr=} it gets: {@code 0x0} on a root port (always: a device at another slot
 *                 of a root port is never seen by the guest), the slot number on the bridge
 * @param rootPort the root port this is, or the bridge's root port
 * @param role     why the slot exists (the plan's port role, e.g. {@code spare}, {@code hotplug}; {@code bridge_slot})
 * @param sizedFor the host device the root port's windows were sized for, or {@code null}
 * @param occupant the id of the device there, or {@code null} when free
 * @param pref64Reserve the root port's {@code pref64-reserve} in bytes (the 64-bit prefetchable window the firmware
 *                 keeps behind it), or {@code null} for the firmware's default
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record Slot(SlotKind kind, String bus, String addr, String rootPort, String role, String sizedFor, String occupant,
                   Long pref64Reserve) {
    /** Requires kind, bus, addr, root port and role. */
    public Slot {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(addr, "addr");
        Objects.requireNonNull(rootPort, "rootPort");
        Objects.requireNonNull(role, "role");
    }

    /** A slot with the firmware's default windows. */
    public Slot(SlotKind kind, String bus, String addr, String rootPort, String role, String sizedFor, String occupant) {
        this(kind, bus, addr, rootPort, role, sizedFor, occupant, null);
    }

    /** Whether nothing sits here. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isFree() {
        return occupant == null;
    }

    /** This slot with {@code id} in it ({@code null}: emptied). */
    public Slot withOccupant(String id) {
        return new Slot(kind, bus, addr, rootPort, role, sizedFor, id, pref64Reserve);
    }

    /** How a person names it: {@code pci.4} or {@code pci.3 slot 0x5}. */
    public String describe() {
        return kind == SlotKind.ROOT_PORT ? bus : bus + " slot " + addr + " (behind " + rootPort + ")";
    }
}
