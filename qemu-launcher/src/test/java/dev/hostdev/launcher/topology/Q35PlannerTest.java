package dev.hostdev.launcher.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.MemorySize;
import dev.hostdev.launcher.spec.Specs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Q35PlannerTest {
    private static Q35Topology plan(String spec, PciFacts facts) {
        return Q35Planner.plan(Specs.parse("name = \"t\"\n" + spec), facts, new ArrayList<>());
    }

    private static String layout(Q35Topology t) {
        StringBuilder b = new StringBuilder();
        for (RootPortPlan p : t.rootPorts()) {
            b.append(p.port().id()).append('@').append(p.port().placement().addr()).append(" port=").append(p.port().port())
                    .append(" chassis=").append(p.port().chassis()).append(p.multifunction() ? " mf" : "")
                    .append(' ').append(p.role().jsonName()).append(' ').append(p.occupant().orElse("-")).append('\n');
        }
        return b.toString();
    }

    @Test
    void nineRootPortsFillSlotOneThenCrossIntoSlotTwo() {
        Q35Topology t = plan("spare_root_ports = 9\n", FakePciFacts.none());
        assertEquals("""
                pci.1@0x1 port=8 chassis=1 mf spare -
                pci.2@0x1.0x1 port=9 chassis=2 spare -
                pci.3@0x1.0x2 port=10 chassis=3 spare -
                pci.4@0x1.0x3 port=11 chassis=4 spare -
                pci.5@0x1.0x4 port=12 chassis=5 spare -
                pci.6@0x1.0x5 port=13 chassis=6 spare -
                pci.7@0x1.0x6 port=14 chassis=7 spare -
                pci.8@0x1.0x7 port=15 chassis=8 spare -
                pci.9@0x2 port=16 chassis=9 spare -
                """, layout(t));
        assertFalse(t.rootPorts().get(8).multifunction(), "alone in slot 2: no multifunction, as libvirt");
    }

    @Test
    void aSinglePortIsNotMultifunction() {
        assertEquals("pci.1@0x1 port=8 chassis=1 spare -\n", layout(plan("spare_root_ports = 1\n", FakePciFacts.none())));
    }

    @Test
    void orderIsDisksSharesHostdevsDevicesXhciBridgeHotplugSpares() {
        Q35Topology t = plan("""
                spare_root_ports = 1
                [[hotplug]]
                size = "1G"
                [[device]]
                model = "usb-kbd"
                [[device]]
                model = "e1000"
                [[device]]
                model = "e1000e"
                [[hostdev]]
                usb = "1-1"
                [[hostdev]]
                pci = "02:00.0"
                [[hostdev]]
                pci = "01:00.0"
                [[share]]
                path = "/"
                tag = "root"
                [[disk]]
                path = "/d.img"
                """, FakePciFacts.none().conventional("02:00.0").pcie("01:00.0"));
        assertEquals("""
                pci.1@0x1 port=8 chassis=1 mf disk disk0
                pci.2@0x1.0x1 port=9 chassis=2 share fs0
                pci.3@0x1.0x2 port=10 chassis=3 hostdev hostdev2
                pci.4@0x1.0x3 port=11 chassis=4 device e1000e0
                pci.5@0x1.0x4 port=12 chassis=5 xhci usb
                pci.6@0x1.0x5 port=13 chassis=6 bridge pci.7
                pci.8@0x1.0x6 port=14 chassis=8 hotplug -
                pci.9@0x1.0x7 port=15 chassis=9 spare -
                """, layout(t));
        BridgePlan b = t.bridge().orElseThrow();
        assertEquals("pci.7", b.id());
        assertEquals("pci.6", b.rootPort());
        assertEquals(List.of("hostdev1", "e1000-0"), List.copyOf(b.occupants().values()), "legacy hostdevs first, then devices");
        assertEquals(new Placement("pci.7", 1, 0), t.placementOf("hostdev1").orElseThrow());
        assertEquals(new Placement("pci.7", 2, 0), t.placementOf("e1000-0").orElseThrow());
        assertEquals(new Placement("pci.3", 0, 0), t.placementOf("hostdev2").orElseThrow());
        assertEquals(Optional.empty(), t.placementOf("hostdev0"), "USB devices are not on PCI");
        assertEquals(OptionalIntOf(2), t.rootPort("pci.6").orElseThrow().reservation().busReserve());
    }

    private static java.util.OptionalInt OptionalIntOf(int n) {
        return java.util.OptionalInt.of(n);
    }

    @Test
    void legacyFlagOrLegacyHotplugBringTheBridge() {
        Q35Topology legacy = plan("[[hostdev]]\npci = \"01:00.0\"\nlegacy = true\n", FakePciFacts.none().pcie("01:00.0"));
        assertEquals("pci.1@0x1 port=8 chassis=1 bridge pci.2\n", layout(legacy));
        assertEquals(new Placement("pci.2", 1, 0), legacy.placementOf("hostdev0").orElseThrow());

        Q35Topology empty = plan("legacy_hotplug = true\n", FakePciFacts.none());
        assertEquals(31, empty.freeBridgeSlots().size(), "slots 1 to 31");
        assertEquals(1, empty.freeBridgeSlots().get(0));
        assertTrue(plan("", FakePciFacts.none()).bridge().isEmpty());
        assertEquals(List.of(), plan("", FakePciFacts.none()).freeBridgeSlots());
    }

    @Test
    void freeSlotsForTheHotplugCode() {
        Q35Topology t = plan("""
                spare_root_ports = 2
                legacy_hotplug = true
                [[hotplug]]
                pci = "65:00.0"
                [[device]]
                model = "e1000"
                """, FakePciFacts.none().pcieWithResource("65:00.0", FakePciFacts.GPU_RESOURCE));
        List<String> free = t.freeRootPorts().stream().map(p -> p.port().id()).toList();
        assertEquals(List.of("pci.3", "pci.4", "pci.5"), free, "hotplug and spare ports, in pcie.0 order");
        assertEquals("pci.3", t.hotplugPortFor(PciAddress.parse("65:00.0")).orElseThrow().port().id());
        assertEquals(30, t.freeBridgeSlots().size());
        assertEquals(2, t.freeBridgeSlots().get(0));
    }

    @Test
    void hotplugPortsAreSizedFromTheRealBarsRoundedToPowersOfTwo() {
        Q35Topology t = plan("""
                [[hotplug]]
                pci = "65:00.0"
                [[hotplug]]
                size = "16G"
                [[hotplug]]
                pci = "66:00.0"
                size = "64G"
                [[hotplug]]
                pci = "67:00.0"
                """, FakePciFacts.none().pcieWithResource("65:00.0", FakePciFacts.GPU_RESOURCE)
                .pcieWithResource("66:00.0", FakePciFacts.GPU_RESOURCE)
                .pcieWithResource("67:00.0", "0x00000000fe000000 0x00000000fe003fff 0x0000000000040200\n"));
        PortReservation gpu = t.rootPorts().get(0).reservation();
        assertEquals(Optional.of(MemorySize.parse("512M")), gpu.pref64(), "256M + 32M rounded up");
        assertEquals(Optional.of(MemorySize.parse("32M")), gpu.mem(), "16M + 512K ROM rounded up");
        assertEquals(Optional.of(PciAddress.parse("65:00.0")), gpu.forDevice());
        PortReservation sized = t.rootPorts().get(1).reservation();
        assertEquals(Optional.of(MemorySize.parse("16G")), sized.pref64());
        assertEquals(Optional.empty(), sized.mem());
        assertEquals(Optional.of(MemorySize.parse("64G")), t.rootPorts().get(2).reservation().pref64(), "the larger wins");
        PortReservation small = t.rootPorts().get(3).reservation();
        assertEquals(Optional.of(MemorySize.parse("1M")), small.mem(), "a 16K BAR still takes a 1M window");
        assertEquals(Optional.empty(), small.pref64());
    }

    @Test
    void hotplugOfAnAbsentDeviceIsNotFound() {
        HostdevException e = assertThrows(HostdevException.class, () -> plan("[[hotplug]]\npci = \"65:00.0\"\n", FakePciFacts.none()));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("0000:65:00.0"), e.getMessage());
        assertTrue(e.hint().contains("size"), e.hint());
    }

    @Test
    void anAbsentHostdevIsPlannedAsPciExpressWithANote() {
        List<String> notes = new ArrayList<>();
        Q35Topology t = Q35Planner.plan(Specs.parse("name = \"t\"\n[[hostdev]]\npci = \"09:00.0\"\n"), FakePciFacts.none(), notes);
        assertEquals("pci.1@0x1 port=8 chassis=1 hostdev hostdev0\n", layout(t));
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).contains("0000:09:00.0") && notes.get(0).contains("legacy = true"), notes.get(0));
    }

    @Test
    void tooManyPortsIsAUsageError() {
        HostdevException e = assertThrows(HostdevException.class,
                () -> plan("spare_root_ports = 240\n[[device]]\nmodel = \"e1000e\"\n", FakePciFacts.none()));
        assertEquals(ErrorCode.USAGE, e.code());
        assertEquals(240, plan("spare_root_ports = 240\n", FakePciFacts.none()).rootPorts().size());
        assertEquals("pci.240@0x1e.0x7 port=247 chassis=240 spare -",
                layout(plan("spare_root_ports = 240\n", FakePciFacts.none())).lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void samePlanEveryTimeAndAddingSparesMovesNothing() {
        String spec = "[[device]]\nmodel = \"e1000e\"\n[[device]]\nmodel = \"e1000\"\n";
        Q35Topology a = plan(spec, FakePciFacts.none());
        assertEquals(a, plan(spec, FakePciFacts.none()));
        Q35Topology more = plan("spare_root_ports = 5\n" + spec, FakePciFacts.none());
        for (String id : List.of("e1000e0", "e1000-0")) {
            assertEquals(a.placementOf(id), more.placementOf(id), id);
        }
    }

    @Test
    void slotMapReadsBackFromJson() throws Exception {
        Q35Topology t = plan("""
                spare_root_ports = 8
                [[hotplug]]
                pci = "65:00.0"
                [[hotplug]]
                size = "16G"
                [[device]]
                model = "e1000"
                [[device]]
                model = "e1000e"
                [[hostdev]]
                pci = "02:00.0"
                """, FakePciFacts.none().pcieWithResource("65:00.0", FakePciFacts.GPU_RESOURCE).conventional("02:00.0"));
        String text = t.toJson().toString();
        assertEquals(t, Q35Topology.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(text)));
        assertEquals(plan("", FakePciFacts.none()), Q35Topology.fromJson(plan("", FakePciFacts.none()).toJson()));
        assertThrows(IllegalArgumentException.class, () -> Q35Topology.fromJson(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(text.replace("\"port\":8", "\"port\":9"))));
    }

    @Test
    void slotMapAsJson() {
        Q35Topology t = plan("""
                legacy_hotplug = true
                [[hotplug]]
                size = "16G"
                [[device]]
                model = "e1000e"
                """, FakePciFacts.none());
        JsonNode j = t.toJson();
        assertEquals(3, j.get("root_ports").size());
        JsonNode first = j.get("root_ports").get(0);
        assertEquals("pci.1", first.get("id").asText());
        assertEquals("pcie.0", first.get("bus").asText());
        assertEquals("0x1", first.get("addr").asText());
        assertEquals(8, first.get("port").asInt());
        assertEquals("device", first.get("role").asText());
        assertEquals("e1000e0", first.get("device").asText());
        JsonNode hot = j.get("root_ports").get(2);
        assertEquals("hotplug", hot.get("role").asText());
        assertTrue(hot.get("device").isNull());
        assertEquals(16L << 30, hot.get("pref64_reserve").asLong());
        JsonNode bridge = j.get("bridge");
        assertEquals("pci.3", bridge.get("id").asText());
        assertEquals("pci.2", bridge.get("root_port").asText());
        assertEquals(31, bridge.get("slots").size());
        assertEquals("0x1", bridge.get("slots").get(0).get("addr").asText());
        assertTrue(bridge.get("slots").get(0).get("device").isNull());
        assertTrue(plan("", FakePciFacts.none()).toJson().get("bridge").isNull());
    }
}
