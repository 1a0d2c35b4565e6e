package dev.hostdev.engine.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.sysfs.Sysfs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsTreeTest {
    @TempDir
    Path dir;

    @Test
    void mirrorsTheKernelLayout() throws Exception {
        SysfsTree t = SampleHosts.workstation(dir);
        Sysfs s = t.sysfs();
        assertEquals("devices/pci0000:00/0000:00:1c.0/0000:01:00.0", s.canonical("bus/pci/devices/0000:01:00.0").orElseThrow());
        assertEquals("devices/pci0000:00/0000:00:1e.0/0000:03:00.0/0000:04:01.0",
                s.canonical("bus/pci/devices/0000:04:01.0").orElseThrow());
        assertEquals("../../../../bus/pci/drivers/nouveau",
                s.linkTarget("devices/pci0000:00/0000:00:1c.0/0000:01:00.0/driver").orElseThrow().toString());
        assertEquals("nouveau", s.linkName("bus/pci/devices/0000:01:00.0/driver").orElseThrow());
        assertEquals("devices/pci0000:00/0000:00:1c.0/0000:01:00.0",
                s.canonical("bus/pci/drivers/nouveau/0000:01:00.0").orElseThrow());
        assertEquals("14", s.linkName("bus/pci/devices/0000:01:00.1/iommu_group").orElseThrow());
        assertEquals(java.util.List.of("0000:01:00.0", "0000:01:00.1"), s.list("kernel/iommu_groups/14/devices"));
        assertEquals("0x10de", s.read("bus/pci/devices/0000:01:00.0/vendor").orElseThrow());
        assertEquals("0x030000", s.read("bus/pci/devices/0000:01:00.0/class").orElseThrow());
        assertEquals("(null)", s.read("bus/pci/devices/0000:01:00.0/driver_override").orElseThrow());
        for (String f : new String[] {"bind", "unbind", "new_id", "remove_id"}) {
            assertTrue(s.exists("bus/pci/drivers/igb/" + f), f);
        }
        assertTrue(s.exists("bus/pci/drivers_probe"));
        assertEquals("0000:02:10.2", s.linkName("bus/pci/devices/0000:02:00.0/virtfn1").orElseThrow());
        assertEquals("0000:02:00.0", s.linkName("bus/pci/devices/0000:02:10.0/physfn").orElseThrow());
        assertEquals("8", s.read("bus/pci/devices/0000:02:00.0/sriov_totalvfs").orElseThrow());
        assertEquals("flr bus", s.read("bus/pci/devices/0000:02:00.0/reset_method").orElseThrow());
        assertEquals("devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3.1", s.canonical("bus/usb/devices/1-3.1").orElseThrow());
        assertEquals("046d", s.read("bus/usb/devices/1-2/idVendor").orElseThrow());
        assertEquals("1d6b", s.read("bus/usb/devices/usb1/idVendor").orElseThrow());
        assertTrue(s.exists("bus/usb/devices/1-2:1.0/bInterfaceClass"));
    }

    @Test
    void configSpaceMatchesTheAttributes() throws Exception {
        SysfsTree t = SampleHosts.workstation(dir);
        byte[] c = Files.readAllBytes(t.pciDeviceDir("0000:01:00.0").resolve("config"));
        assertEquals(4096, c.length);
        assertArrayEquals(new byte[] {(byte) 0xde, 0x10, (byte) 0x80, 0x1b}, java.util.Arrays.copyOf(c, 4));
        assertEquals((byte) 0xa1, c[8]);
        assertEquals(0x03, c[0x0b]);
        assertEquals((byte) 0x80, c[0x0e]);
        assertEquals(0x40, c[0x34]);
        assertEquals(0x10, c[0x40]);
        byte[] bridge = Files.readAllBytes(t.pciDeviceDir("0000:03:00.0").resolve("config"));
        assertEquals(0x01, bridge[0x0e]);
        assertEquals(0x7, (bridge[0x42] >> 4) & 0xf);
        assertEquals(256, Files.readAllBytes(t.pciDeviceDir("0000:04:01.0").resolve("config")).length);
    }

    @Test
    void readOnlySysfsRefusesWrites() {
        SysfsTree t = SampleHosts.workstation(dir);
        assertThrows(AssertionError.class, () -> t.sysfs().write("bus/pci/drivers_probe", "0000:01:00.0"));
    }

    @Test
    void misuseIsReported() {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("00:01.0").add();
        assertThrows(IllegalStateException.class, () -> t.pci("0000:00:01.0").add());
        assertThrows(IllegalStateException.class, () -> t.pci("01:00.0").parent("00:09.0").add());
        assertThrows(IllegalStateException.class, () -> t.usb("1-2.1").add());
        assertThrows(IllegalArgumentException.class, () -> t.usb("../x"));
    }
}
