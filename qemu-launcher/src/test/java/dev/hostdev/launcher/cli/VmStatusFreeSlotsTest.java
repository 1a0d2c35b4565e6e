package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "free for hotplug" line of {@code vm status}: never empty, and a way out when nothing is free. */
class VmStatusFreeSlotsTest {
    private static VmRecord withSlots(Slot... slots) {
        return new VmRecord("rig", "/etc/hostdev/rig.toml", List.of("qemu-system-x86_64"), VmState.RUNNING, null, null,
                "2026-12-04T05:00:00Z", 0, null, new SlotMap(List.of(slots)), List.of(), List.of(), null);
    }

    private static Slot port(String bus, String occupant) {
        return new Slot(SlotKind.ROOT_PORT, bus, "0x0", bus, "spare", null, occupant);
    }

    private static Slot bridgeSlot(String addr, String occupant) {
        return new Slot(SlotKind.BRIDGE_SLOT, "pci.9", addr, "pci.8", SlotMap.BRIDGE_SLOT_ROLE, null, occupant);
    }

    @Test
    void freePortsAreListed() {
        assertEquals("pci.2, pci.3", VmStatusCommand.freeSlots(withSlots(port("pci.1", "nic0"), port("pci.2", null), port("pci.3", null))));
    }

    @Test
    void noFreePortAndNoBridgeSaysSoAndNamesTheSpecKey() {
        assertEquals("no root port (keep some with spare_root_ports in the spec; a running VM cannot be given new ports)",
                VmStatusCommand.freeSlots(withSlots(port("pci.1", "nic0"))));
    }

    @Test
    void noFreePortButFreeBridgeSlotsCountsThem() {
        assertEquals("no root port; bridge slots free: 1",
                VmStatusCommand.freeSlots(withSlots(port("pci.1", "nic0"), bridgeSlot("0x1", "old0"), bridgeSlot("0x2", null))));
    }
}
