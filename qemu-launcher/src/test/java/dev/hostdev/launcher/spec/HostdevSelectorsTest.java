package dev.hostdev.launcher.spec;

import static dev.hostdev.launcher.spec.Specs.error;
import static dev.hostdev.launcher.spec.Specs.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSelector;
import dev.hostdev.engine.pci.PciSelectorResolver;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [[hostdev]]} named by path, serial, slot or vendor_device, resolved on a generated host. */
class HostdevSelectorsTest {
    private static final String SPEC = """
            name = "gpu-vm"
            [[hostdev]]
            path = "pci0000:00/1c.0/00.0"
            expect = "10de:2204"
            [[hostdev]]
            serial = "S4EWNX0R123456"
            [[hostdev]]
            vendor_device = "8086:1533"
            index = 1
            [[hostdev]]
            slot = 3
            index = 1
            """;

    /** A GPU behind root port 1c.0, an NVMe drive behind 1d.0, two identical NICs; with {@code extraBridge}, buses shift. */
    private static SysfsTree host(Path dir, boolean extraBridge) {
        SysfsTree t = SysfsTree.create(dir);
        int bus = 1;
        if (extraBridge) {
            t.pci("0000:00:1b.0").rootPort().secondaryBus(bus).add();
            t.pci(String.format("0000:%02x:00.0", bus++)).parent("0000:00:1b.0").vendor(0x1b36).device(0x0010).pcie().add();
        }
        int gpu = bus++;
        int nvme = bus;
        t.pci("0000:00:1c.0").rootPort().secondaryBus(gpu).add();
        t.pci(String.format("0000:%02x:00.0", gpu)).parent("0000:00:1c.0").vendor(0x10de).device(0x2204).klass(0x030000)
                .pcie().multiFunction().add();
        t.pci(String.format("0000:%02x:00.1", gpu)).parent("0000:00:1c.0").vendor(0x10de).device(0x1aef).klass(0x040300)
                .pcie().add();
        t.slot("3", String.format("0000:%02x:00", gpu));
        t.pci("0000:00:1d.0").rootPort().secondaryBus(nvme).add();
        t.pci(String.format("0000:%02x:00.0", nvme)).parent("0000:00:1d.0").vendor(0x144d).device(0xa808).klass(0x010802)
                .pcie().nvmeSerial("S4EWNX0R123456").add();
        t.pci("0000:00:19.0").vendor(0x8086).device(0x1533).pcie().add();
        t.pci("0000:00:1f.6").vendor(0x8086).device(0x1533).pcie().add();
        return t;
    }

    private static VmSpec load(SysfsTree t, String text) {
        return VmSpecLoader.parse(text, "vm.toml", Specs.DIR, new PciSelectorResolver(t.sysfs()));
    }

    @Test
    void selectorsReadWithoutAHostStayUnresolved() {
        VmSpec s = parse(SPEC);
        HostdevSpec h = s.hostdevs().get(0);
        assertTrue(h.isPci());
        assertEquals(Optional.empty(), h.pci());
        assertEquals(Optional.of(new PciSelector.Path("pci0000:00/1c.0/00.0")), h.selector());
        assertEquals("10de:2204", h.expect().orElseThrow().toString());
        assertEquals(Optional.of(new PciSelector.Id(0x8086, 0x1533, OptionalInt.of(1))), s.hostdevs().get(2).selector());
        assertEquals(Optional.of(new PciSelector.Slot("3", OptionalInt.of(1))), s.hostdevs().get(3).selector());
        assertTrue(h.managed(), "a PCI hostdev is managed by default, whatever names it");
        assertEquals(4, s.pciHostdevs().size());
    }

    @Test
    void theSameSpecFindsTheSameDevicesAfterBusesAreRenumbered(@TempDir Path before, @TempDir Path after) {
        VmSpec first = load(host(before, false), SPEC);
        VmSpec second = load(host(after, true), SPEC);
        assertEquals(PciAddress.parse("0000:01:00.0"), first.hostdevs().get(0).pci().orElseThrow());
        assertEquals(PciAddress.parse("0000:02:00.0"), second.hostdevs().get(0).pci().orElseThrow());
        assertEquals(PciAddress.parse("0000:02:00.0"), first.hostdevs().get(1).pci().orElseThrow());
        assertEquals(PciAddress.parse("0000:03:00.0"), second.hostdevs().get(1).pci().orElseThrow());
        assertEquals(PciAddress.parse("0000:00:1f.6"), second.hostdevs().get(2).pci().orElseThrow());
        assertEquals(PciAddress.parse("0000:02:00.1"), second.hostdevs().get(3).pci().orElseThrow());
        assertEquals("0000:02:00.0 (path:pci0000:00/1c.0/00.0)", second.hostdevs().get(0).source());
        // The address the first boot had now names the device behind the new bridge, not the GPU.
        HostdevException moved = assertThrows(HostdevException.class, () -> load(host(after.resolve("x"), true), """
                name = "gpu-vm"
                [[hostdev]]
                pci = "0000:01:00.0"
                [[hostdev]]
                path = "pci0000:00/1b.0/00.0"
                """));
        assertTrue(moved.getMessage().contains("already gives"), moved.getMessage());
    }

    @Test
    void errorsNameTheFileLineAndCandidates(@TempDir Path dir) {
        SysfsTree t = host(dir, false);
        HostdevException ambiguous = assertThrows(HostdevException.class,
                () -> load(t, "name = \"x\"\n[[hostdev]]\nvendor_device = \"8086:1533\"\n"));
        assertEquals(ErrorCode.USAGE, ambiguous.code());
        assertTrue(ambiguous.getMessage().startsWith("vm.toml:3: hostdev[0].vendor_device = 8086:1533: "), ambiguous.getMessage());
        assertTrue(ambiguous.getMessage().contains("0000:00:19.0, 0000:00:1f.6"), ambiguous.getMessage());
        HostdevException missing = assertThrows(HostdevException.class,
                () -> load(t, "name = \"x\"\n[[hostdev]]\npath = \"pci0000:00/1e.0/00.0\"\n"));
        assertEquals(ErrorCode.NOT_FOUND, missing.code());
        assertTrue(missing.getMessage().startsWith("vm.toml:3: hostdev[0].path"), missing.getMessage());
        HostdevException twice = assertThrows(HostdevException.class, () -> load(t, """
                name = "x"
                [[hostdev]]
                path = "pci0000:00/1c.0/00.0"
                [[hostdev]]
                vendor_device = "10de:2204"
                """));
        assertTrue(twice.getMessage().contains("hostdev[1].vendor_device names 0000:01:00.0, which hostdev[0] already gives"),
                twice.getMessage());
    }

    @Test
    void badSelectorKeysAreUsageErrors() {
        assertTrue(error("name = \"x\"\n[[hostdev]]\npath = \"pci0000:00/1c.0/00.0\"\nserial = \"A\"\n").getMessage()
                .contains("names the device twice (path and serial)"));
        assertTrue(error("name = \"x\"\n[[hostdev]]\npci = \"01:00.0\"\nslot = \"3\"\n").getMessage()
                .contains("names the device twice (pci and slot)"));
        assertTrue(error("name = \"x\"\n[[hostdev]]\npath = \"pci0000:00/1c.0/00.0\"\nindex = 1\n").getMessage()
                .contains("hostdev[0].index picks among"));
        assertTrue(error("name = \"x\"\n[[hostdev]]\npath = \"/sys/devices/x\"\n").getMessage()
                .startsWith("vm.toml:3: hostdev[0].path: not a device path"));
        assertTrue(error("name = \"x\"\n[[hostdev]]\nvendor_device = \"10de\"\n").getMessage()
                .contains("not a vendor:device ID"));
        assertTrue(error("name = \"x\"\n[[hostdev]]\nserial = \"A\"\nstartup = \"optional\"\n").getMessage()
                .contains("startup applies to USB hostdevs only"));
    }
}
