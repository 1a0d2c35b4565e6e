package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlotMapTest {
    private static final String GPU = "0000:41:00.0";

    private static SlotMap map() {
        return new SlotMap(List.of(
                new Slot(SlotKind.ROOT_PORT, "pci.1", "0x0", "pci.1", "hostdev", null, "nic0"),
                new Slot(SlotKind.ROOT_PORT, "pci.2", "0x0", "pci.2", "bridge", null, "pci.3"),
                new Slot(SlotKind.ROOT_PORT, "pci.4", "0x0", "pci.4", "hotplug", GPU, null),
                new Slot(SlotKind.ROOT_PORT, "pci.5", "0x0", "pci.5", "spare", null, null),
                new Slot(SlotKind.ROOT_PORT, "pci.6", "0x0", "pci.6", "spare", null, null),
                new Slot(SlotKind.BRIDGE_SLOT, "pci.3", "0x1", "pci.2", SlotMap.BRIDGE_SLOT_ROLE, null, "old0"),
                new Slot(SlotKind.BRIDGE_SLOT, "pci.3", "0x2", "pci.2", SlotMap.BRIDGE_SLOT_ROLE, null, null)));
    }

    @Test
    void theDeviceAPortWasSizedForGetsThatPort() {
        assertEquals("pci.4", map().pick(SlotKind.ROOT_PORT, GPU).orElseThrow().bus());
    }

    @Test
    void otherDevicesTakeSparesInOrderAndLeaveTheSizedPortAlone() {
        SlotMap m = map();
        Slot first = m.pick(SlotKind.ROOT_PORT, null).orElseThrow();
        assertEquals("pci.5", first.bus());
        m = m.occupy(first, "a");
        Slot second = m.pick(SlotKind.ROOT_PORT, "0000:05:00.0").orElseThrow();
        assertEquals("pci.6", second.bus());
        m = m.occupy(second, "b");
        assertEquals("pci.4", m.pick(SlotKind.ROOT_PORT, null).orElseThrow().bus(), "the sized port is the last resort");
        m = m.occupy(m.pick(SlotKind.ROOT_PORT, null).orElseThrow(), "c");
        assertEquals(Optional.empty(), m.pick(SlotKind.ROOT_PORT, null));
        assertEquals(0, m.freeCount(SlotKind.ROOT_PORT));
    }

    @Test
    void aPortFreedByAnUnplugCanBeTakenAgain() {
        SlotMap m = map().occupy(map().pick(SlotKind.ROOT_PORT, null).orElseThrow(), "a")
                .release("nic0");
        assertTrue(m.slotOf("nic0").isEmpty());
        Slot s = m.pick(SlotKind.ROOT_PORT, null).orElseThrow();
        assertEquals("pci.6", s.bus(), "spares first");
    }

    @Test
    void conventionalPciTakesTheLowestFreeBridgeSlot() {
        Slot s = map().pick(SlotKind.BRIDGE_SLOT, null).orElseThrow();
        assertEquals("pci.3", s.bus());
        assertEquals("0x2", s.addr());
        assertEquals("pci.2", s.rootPort());
        assertEquals("pci.3 slot 0x2 (behind pci.2)", s.describe());
    }

    @Test
    void releasingAnUnknownIdChangesNothing() {
        SlotMap m = map();
        assertSame(m, m.release("nothing"));
    }

    @Test
    void anEmptyMapHasNoBridgeAndNoRoom() {
        SlotMap m = new SlotMap(List.of());
        assertEquals(Optional.empty(), m.pick(SlotKind.ROOT_PORT, null));
        assertTrue(!m.hasBridge());
    }
}
