package dev.hostdev.launcher.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.Specs;
import dev.hostdev.launcher.topology.FakePciFacts;
import dev.hostdev.launcher.topology.Q35Planner;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.SlotMap;
import java.util.ArrayList;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A hotplug into a root port sized too small for the device's 64-bit BARs is refused by the plan. */
class PortFitTest {
    static final String GPU = "0000:65:00.0";
    /** 256M + 32M of 64-bit prefetchable BARs: a 512M window. */
    static final FakePciFacts FACTS = FakePciFacts.none().pcieWithResource(GPU, FakePciFacts.GPU_RESOURCE);

    static Slot port(Long reserve, String sizedFor) {
        return new Slot(SlotKind.ROOT_PORT, "pci.3", "0x0", "pci.3", "hotplug", sizedFor, null, reserve);
    }

    @Test
    void aPortSizedTooSmallIsRefusedNamingItsReservationAndTheBars() {
        HostdevException e = assertThrows(HostdevException.class,
                () -> PortFit.check("vm", port(256L << 20, null), PciAddress.parse(GPU), FACTS));
        assertEquals(ErrorCode.STATE, e.code());
        assertEquals("root port pci.3 of VM vm reserves 256M of 64-bit prefetchable memory (pref64-reserve), but " + GPU
                + "'s 64-bit prefetchable BARs (256M + 32M) need a 512M window: the guest could not map them (\"BAR: no space\")", e.getMessage());
        assertTrue(e.hint().startsWith("add [[hotplug]] pci = \"" + GPU + "\" (or size = \"512M\")"), e.hint());
    }

    @Test
    void aPortSizedForTheDeviceOrWithDefaultWindowsIsTaken() {
        assertEquals(Optional.of("root port pci.3 pref64-reserve 512M holds " + GPU + "'s BARs (256M + 32M)"),
                PortFit.check("vm", port(512L << 20, GPU), PciAddress.parse(GPU), FACTS));
        assertEquals(Optional.empty(), PortFit.check("vm", port(null, null), PciAddress.parse(GPU), FACTS), "firmware defaults: not judged");
    }

    @Test
    void theSlotMapCarriesThePortsReservationFromThePlan() {
        var topology = Q35Planner.plan(Specs.parse("name = \"vm\"\n[[hotplug]]\npci = \"" + GPU + "\"\n[[hotplug]]\nsize = \"1G\"\n"),
                FACTS, new ArrayList<>());
        SlotMap slots = SlotMap.of(topology);
        assertEquals(512L << 20, slots.slots().get(0).pref64Reserve());
        assertEquals(1L << 30, slots.slots().get(1).pref64Reserve());
    }

    @Test
    void aConventionalDeviceWithBigBarsTakesAReservedRootPortWhenOneIsFree() {
        String legacy = "0000:66:00.0";
        FakePciFacts facts = FakePciFacts.none().pcieWithResource(legacy, FakePciFacts.GPU_RESOURCE);
        PciAddress a = PciAddress.parse(legacy);
        assertTrue(PortFit.wantsReservedPort(new SlotMap(java.util.List.of(port(1L << 30, null))), a, facts));
        assertEquals(false, PortFit.wantsReservedPort(new SlotMap(java.util.List.of(port(null, null))), a, facts), "no reserved port");
        assertEquals(false, PortFit.wantsReservedPort(new SlotMap(java.util.List.of(port(1L << 30, null))), PciAddress.parse("0000:67:00.0"),
                FakePciFacts.none().conventional("0000:67:00.0")), "no 64-bit BARs: the bridge as before");
    }
}
