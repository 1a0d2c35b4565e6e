package dev.hostdev.engine.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.engine.usb.UsbAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PciSelectorTest {
    private static final long GPU_DSN = 0x0011_2233_4455_6677L;

    /**
     * Two root ports; the GPU (10de:2204, with a Device Serial Number) behind 1c.0, an NVMe drive behind 1d.0,
     * and a second identical GPU on the root bus. With {@code extraBridge}, a root port 1b.0 with a NIC behind
     * it is added first, and firmware numbers its bus 01: everything behind 1c.0 and 1d.0 moves up a bus.
     */
    private static SysfsTree host(Path dir, boolean extraBridge) {
        SysfsTree t = SysfsTree.create(dir);
        int bus = 1;
        if (extraBridge) {
            t.pci("0000:00:1b.0").rootPort().secondaryBus(bus).add();
            t.pci(String.format("0000:%02x:00.0", bus)).parent("0000:00:1b.0").vendor(0x8086).device(0x1533)
                    .klass(0x020000).pcie().serialNumber(0xa0b0_c0d0_e0f0_0102L).add();
            bus++;
        }
        int gpuBus = bus++;
        int nvmeBus = bus;
        t.pci("0000:00:1c.0").rootPort().secondaryBus(gpuBus).add();
        t.pci(String.format("0000:%02x:00.0", gpuBus)).parent("0000:00:1c.0").vendor(0x10de).device(0x2204)
                .klass(0x030000).pcie().multiFunction().serialNumber(GPU_DSN).add();
        t.pci(String.format("0000:%02x:00.1", gpuBus)).parent("0000:00:1c.0").vendor(0x10de).device(0x1aef)
                .klass(0x040300).pcie().add();
        t.pci("0000:00:1d.0").rootPort().secondaryBus(nvmeBus).add();
        t.pci(String.format("0000:%02x:00.0", nvmeBus)).parent("0000:00:1d.0").vendor(0x144d).device(0xa808)
                .klass(0x010802).pcie().nvmeSerial("S4EWNX0R123456      ").add();
        t.pci("0000:00:05.0").vendor(0x10de).device(0x2204).klass(0x030000).pcie().add();
        t.slot("3", String.format("0000:%02x:00", gpuBus));
        return t;
    }

    @Test
    void renumberedBusesMoveTheAddressButNotThePathOrSerial(@TempDir Path before, @TempDir Path after) {
        PciSelectorResolver first = new PciSelectorResolver(host(before, false).sysfs());
        PciSelectorResolver second = new PciSelectorResolver(host(after, true).sysfs());
        PciSelector path = PciSelector.parse("path:pci0000:00/1c.0/00.0");
        PciSelector serial = PciSelector.parse("serial:00-11-22-33-44-55-66-77");
        PciSelector slot = PciSelector.parse("slot:3#0");

        PciAddress gpuBefore = PciAddress.parse("0000:01:00.0");
        PciAddress gpuAfter = PciAddress.parse("0000:02:00.0");
        assertEquals(gpuBefore, first.resolve(path));
        assertEquals(gpuBefore, first.resolve(serial));
        assertEquals(gpuBefore, first.resolve(slot));
        assertEquals(gpuAfter, second.resolve(path));
        assertEquals(gpuAfter, second.resolve(serial));
        assertEquals(gpuAfter, second.resolve(slot));
        // The plain address now names the NIC behind the new bridge, not the GPU.
        SelectorFacts atOldAddress = second.facts().stream().filter(f -> f.address().equals(gpuBefore)).findFirst().orElseThrow();
        assertEquals(0x8086, atOldAddress.vendor());
        assertNotEquals(second.resolve(path), gpuBefore);
        // The NVMe serial follows the drive too.
        assertEquals(PciAddress.parse("0000:02:00.0"), first.resolve(PciSelector.parse("serial:S4EWNX0R123456")));
        assertEquals(PciAddress.parse("0000:03:00.0"), second.resolve(PciSelector.parse("serial:S4EWNX0R123456")));
    }

    @Test
    void pathsFromSysfsDirectories() {
        assertEquals(Optional.of("pci0000:00/1c.0/00.0"), TopologyPath.of("devices/pci0000:00/0000:00:1c.0/0000:01:00.0"));
        assertEquals(Optional.of("pci0000:00/02.0"), TopologyPath.of("devices/pci0000:00/0000:00:02.0"));
        assertEquals(Optional.of("pci0000:00/0e.0/pci10000:00/02.0"),
                TopologyPath.of("devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0"));
        assertEquals(Optional.empty(), TopologyPath.of("devices/platform/foo/0000:00:02.0"));
    }

    @Test
    void identicalDevicesAreRankedInAddressOrder(@TempDir Path dir) {
        PciSelectorResolver r = new PciSelectorResolver(host(dir, false).sysfs());
        assertEquals(PciAddress.parse("0000:00:05.0"), r.resolve(PciSelector.parse("id:10de:2204#0")));
        assertEquals(PciAddress.parse("0000:01:00.0"), r.resolve(PciSelector.parse("id:10de:2204#1")));
        HostdevException ambiguous = assertThrows(HostdevException.class, () -> r.resolve(PciSelector.parse("id:10de:2204")));
        assertEquals(ErrorCode.USAGE, ambiguous.code());
        assertTrue(ambiguous.getMessage().contains("0000:00:05.0, 0000:01:00.0"), ambiguous.getMessage());
        assertTrue(ambiguous.hint().contains("id:10de:2204#0"), ambiguous.hint());
        HostdevException past = assertThrows(HostdevException.class, () -> r.resolve(PciSelector.parse("id:10de:2204#2")));
        assertEquals(ErrorCode.NOT_FOUND, past.code());
        assertTrue(past.getMessage().contains("0000:00:05.0, 0000:01:00.0"), past.getMessage());
        HostdevException slot = assertThrows(HostdevException.class, () -> r.resolve(PciSelector.parse("slot:3")));
        assertTrue(slot.getMessage().contains("0000:01:00.0, 0000:01:00.1"), slot.getMessage());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(HostdevException.class,
                () -> r.resolve(PciSelector.parse("path:pci0000:00/1e.0/00.0"))).code());
    }

    @Test
    void showListsEverySelectorThatNamesTheDeviceAlone(@TempDir Path dir) {
        PciSelectorResolver r = new PciSelectorResolver(host(dir, false).sysfs());
        PciSelectorResolver.Report gpu = r.report(PciAddress.parse("0000:01:00.0"));
        assertEquals(List.of("path:pci0000:00/1c.0/00.0", "serial:00-11-22-33-44-55-66-77", "slot:3#0", "id:10de:2204#1"),
                gpu.selectors());
        assertEquals(Optional.of("pci0000:00/1c.0/00.0"), gpu.path());
        assertEquals(List.of("path:pci0000:00/1d.0/00.0", "serial:S4EWNX0R123456", "id:144d:a808"),
                r.report(PciAddress.parse("0000:02:00.0")).selectors());
        for (String s : gpu.selectors()) {
            assertEquals(PciAddress.parse("0000:01:00.0"), r.resolve(PciSelector.parse(s)), s);
        }
    }

    @Test
    void aSerialSharedByTwoDevicesIsNotOffered(@TempDir Path dir) {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("0000:00:02.0").pcie().serialNumber(7).add();
        t.pci("0000:00:03.0").pcie().serialNumber(7).add();
        PciSelectorResolver r = new PciSelectorResolver(t.sysfs());
        assertFalse(r.report(PciAddress.parse("0000:00:02.0")).selectors().stream().anyMatch(s -> s.startsWith("serial:")));
        HostdevException e = assertThrows(HostdevException.class, () -> r.resolve(PciSelector.parse("serial:0000000000000007")));
        assertTrue(e.getMessage().contains("0000:00:02.0, 0000:00:03.0"), e.getMessage());
    }

    @Test
    void configCutAt64BytesSaysTheSerialNeedsRoot(@TempDir Path dir) {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("0000:00:02.0").pcie().serialNumber(7).configBytes(64).add();
        PciSelectorResolver r = new PciSelectorResolver(t.sysfs());
        PciSelectorResolver.Report report = r.report(PciAddress.parse("0000:00:02.0"));
        assertEquals(List.of("path:pci0000:00/02.0", "id:8086:1234"), report.selectors());
        assertTrue(report.notes().get(0).contains("64 bytes"), report.notes().toString());
        HostdevException e = assertThrows(HostdevException.class, () -> r.resolve(PciSelector.parse("serial:0000000000000007")));
        assertTrue(e.getMessage().contains("64 bytes unless run as root"), e.getMessage());
    }

    @Test
    void dsnParsingStopsOnLoopsAndBadLinks() {
        byte[] c = new byte[4096];
        // A capability (ID 0x0001) whose next pointer points at itself.
        c[0x100] = 0x01;
        c[0x102] = 0x01;
        c[0x103] = 0x10; // next = 0x100
        assertEquals(Optional.empty(), DeviceSerials.dsn(c));
        assertEquals(Optional.empty(), DeviceSerials.dsn(new byte[64]));
        assertTrue(DeviceSerials.same("00-11-22-33-44-55-66-77", "0011223344556677"));
        assertTrue(DeviceSerials.same("00-11-22-33-44-55-66-77", "00:11:22:33:44:55:66:77"));
        assertFalse(DeviceSerials.same("S4EWNX0R123456", "s4ewnx0r123456"));
    }

    @Test
    void cliSpellingsRoundTrip() {
        for (String s : List.of("path:pci0000:00/1c.0/00.0", "serial:ABC 123", "slot:3", "slot:CPU1 SLOT3#1",
                "id:10de:2204", "id:10de:2204#3", "path:pci10000:00/02.0")) {
            assertEquals(s, PciSelector.parse(s).spelling());
        }
        assertEquals(new PciSelector.Id(0x10de, 0x2204, OptionalInt.of(1)), PciSelector.parse("id:10DE:2204#1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"path:", "path:/sys/bus/pci/devices/0000:00:02.0", "path:pci0000:00/../../etc",
        "path:pci0000:00", "path:pci0000:00/1c.0/01:00.0", "serial:", "serial:a\nb", "slot:", "slot:../x",
        "slot:3#x", "id:10de", "id:10de:2204#", "id:10de:2204#-1", "id:10de:2204#99999", "bogus:1"})
    void badSelectorsAreUsageErrors(String text) {
        HostdevException e = assertThrows(HostdevException.class, () -> PciSelector.parse(text));
        assertEquals(ErrorCode.USAGE, e.code());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void cliArgumentsResolveSelectorsAndUsbSerials(@TempDir Path dir) {
        SysfsTree t = host(dir, false);
        t.usb("1-2").vendor(0x0781).product(0x5583).serial("4C530001230515107394").add();
        assertEquals(new DeviceRef.Pci(PciAddress.parse("0000:01:00.0")),
                DeviceArguments.resolve("path:pci0000:00/1c.0/00.0", t.sysfs()));
        assertEquals(new DeviceRef.UsbPort(new UsbAddress(1, List.of(2))),
                DeviceArguments.resolve("serial:4C530001230515107394", t.sysfs()));
        assertEquals(new DeviceRef.Pci(PciAddress.parse("0000:03:07.0")), DeviceArguments.resolve("03:07.0", t.sysfs()));
        HostdevException e = assertThrows(HostdevException.class, () -> DeviceArguments.resolve("eth0", t.sysfs()));
        assertTrue(e.hint().contains("path:"), e.hint());
    }
}
