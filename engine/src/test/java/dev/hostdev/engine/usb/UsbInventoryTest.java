package dev.hostdev.engine.usb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsbInventoryTest {
    @TempDir
    Path dir;

    @Test
    void listsDevicesNotInterfacesInBusDevnumOrder() {
        UsbInventory usb = new UsbInventory(SampleHosts.workstation(dir).sysfs());
        List<UsbDevice> all = usb.all();
        assertEquals(List.of("usb1", "1-2", "1-3", "1-3.1"), all.stream().map(UsbDevice::name).toList());
        UsbDevice hub = all.get(0);
        assertTrue(hub.isRootHub() && hub.isHub());
        UsbDevice yubikey = all.get(3);
        assertEquals(new UsbId(0x1050, 0x0407), yubikey.id());
        assertEquals(4, yubikey.devnum());
        assertEquals(Optional.of("Yubico"), yubikey.manufacturer());
        assertEquals(Optional.of("0123"), yubikey.serial());
        assertEquals("devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3.1", yubikey.sysfsPath());
        assertEquals(List.of(3, 1), yubikey.port().orElseThrow().ports());
        assertEquals("3.1", yubikey.port().orElseThrow().portPath());
    }

    @Test
    void findsByPortAndById() {
        SysfsTree t = SampleHosts.workstation(dir);
        UsbInventory usb = new UsbInventory(t.sysfs());
        assertEquals("1-2", usb.find(new UsbId(0x046d, 0xc52b)).name());
        assertEquals(new UsbId(0x1050, 0x0407), usb.find(UsbAddress.tryParse("1-3.1")).id());
        HostdevException e = assertThrows(HostdevException.class, () -> usb.find(UsbAddress.tryParse("2-1")));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertEquals("no USB device at bus-port 2-1 on this host", e.getMessage());
        assertEquals(ErrorCode.NOT_FOUND,
                assertThrows(HostdevException.class, () -> usb.find(new UsbId(1, 2))).code());
    }

    @Test
    void twoDevicesWithTheSameIdsAreAmbiguous() {
        SysfsTree t = SysfsTree.create(dir);
        t.usb("1-1").vendor(0x046d).product(0xc52b).add();
        t.usb("2-4").vendor(0x046d).product(0xc52b).add();
        HostdevException e = assertThrows(HostdevException.class,
                () -> new UsbInventory(t.sysfs()).find(new UsbId(0x046d, 0xc52b)));
        assertEquals(ErrorCode.USAGE, e.code());
        assertEquals("2 USB devices are 046d:c52b: 1-1, 2-4", e.getMessage());
    }
}
