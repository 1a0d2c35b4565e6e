package dev.hostdev.launcher.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.Specs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HotplugPlacerTest {
    private static HotplugPlacer placer(String spec) {
        return new HotplugPlacer(Q35Planner.plan(Specs.parse("name = \"t\"\n" + spec),
                FakePciFacts.none().pcieWithResource("65:00.0", FakePciFacts.GPU_RESOURCE), new ArrayList<>()));
    }

    @Test
    void pciExpressDevicesFillFreeRootPortsThenRunOut() {
        HotplugPlacer p = placer("spare_root_ports = 2\n[[device]]\nmodel = \"e1000e\"\n");
        Set<Placement> taken = new HashSet<>();
        Placement first = p.place(Optional.empty(), false, taken);
        assertEquals(new Placement("pci.2", 0, 0), first);
        assertEquals("0x0", first.addr(), "addr=0x0 always");
        taken.add(first);
        Placement second = p.place(Optional.empty(), false, taken);
        assertEquals(new Placement("pci.3", 0, 0), second);
        taken.add(second);
        HostdevException e = assertThrows(HostdevException.class, () -> p.place(Optional.empty(), false, taken));
        assertEquals(ErrorCode.STATE, e.code());
        assertEquals("no free root port: the VM was started with 2 spare root ports and 0 [[hotplug]] ports, all in use", e.getMessage());
        assertTrue(e.hint().contains("raise spare_root_ports"), e.hint());
        taken.remove(first);
        assertEquals(first, p.place(Optional.empty(), false, taken), "an unplugged port is free again");
    }

    @Test
    void aHostDeviceTakesThePortSizedForIt() {
        HotplugPlacer p = placer("spare_root_ports = 1\n[[hotplug]]\npci = \"65:00.0\"\n");
        assertEquals(new Placement("pci.1", 0, 0), p.place(Optional.of(PciAddress.parse("65:00.0")), false, Set.of()));
        assertEquals(new Placement("pci.2", 0, 0), p.place(Optional.empty(), false, Set.of()), "a NIC leaves it to the GPU");
    }

    @Test
    void conventionalDevicesGoOnBridgeSlots() {
        HotplugPlacer p = placer("[[device]]\nmodel = \"e1000\"\n");
        assertEquals(new Placement("pci.2", 2, 0), p.place(Optional.empty(), true, Set.of()), "slot 1 holds the e1000 from start");
        assertEquals(new Placement("pci.2", 3, 0), p.place(Optional.empty(), true, Set.of(new Placement("pci.2", 2, 0))));
        Set<Placement> all = new HashSet<>();
        for (int s = 2; s <= 31; s++) {
            all.add(new Placement("pci.2", s, 0));
        }
        HostdevException full = assertThrows(HostdevException.class, () -> p.place(Optional.empty(), true, all));
        assertEquals("no free slot on the pcie-pci-bridge pci.2: its 31 slots are all in use", full.getMessage());

        HostdevException none = assertThrows(HostdevException.class, () -> placer("spare_root_ports = 1\n").place(Optional.empty(), true, Set.of()));
        assertEquals(ErrorCode.STATE, none.code());
        assertTrue(none.hint().contains("legacy_hotplug = true"), none.hint());
    }
}
