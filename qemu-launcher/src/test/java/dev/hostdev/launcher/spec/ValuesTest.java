package dev.hostdev.launcher.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.usb.UsbAddress;
import dev.hostdev.engine.usb.UsbId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small value types of a spec: sizes, USB references, device identities. */
class ValuesTest {
    @Test
    void sizes() {
        assertEquals(512L << 20, MemorySize.parse("512M").bytes());
        assertEquals(2L << 30, MemorySize.parse("2G").bytes());
        assertEquals(16L << 30, MemorySize.parse("16GiB").bytes());
        assertEquals(1L << 40, MemorySize.parse("1t").bytes());
        assertEquals("2G", MemorySize.parse("2048M").toString());
        assertEquals("1536M", MemorySize.parse("1536M").toString());
        assertEquals(2048, MemorySize.parse("2G").mebibytes());
        assertEquals(MemorySize.parse("32M"), MemorySize.parse("17M").roundUpToPowerOfTwo());
        assertEquals(MemorySize.parse("16M"), MemorySize.parse("16M").roundUpToPowerOfTwo());
        for (String bad : new String[] {"lots", "2", "2 G B", "-1G", "0M", "1.5G", "99999999999T"}) {
            assertThrows(HostdevException.class, () -> MemorySize.parse(bad), bad);
        }
    }

    @Test
    void usbReferences() {
        assertEquals(new DeviceRef.Usb(new UsbId(0x046d, 0xc52b)), VmSpecLoader.usbDevice("046d:c52b"));
        assertEquals(new DeviceRef.UsbPort(new UsbAddress(3, List.of(1, 4))), VmSpecLoader.usbDevice("3-1.4"));
        for (String bad : new String[] {"046d", "0-1", "1-0", "1-", "x:y", "003:005", "03:00.0"}) {
            assertThrows(HostdevException.class, () -> VmSpecLoader.usbDevice(bad), bad);
        }
        assertTrue(assertThrows(HostdevException.class, () -> VmSpecLoader.usbDevice("03:00.0")).hint().contains("pci = "));
    }

    @Test
    void identities() {
        DeviceIdentity id = DeviceIdentity.parse("8086:1572");
        assertTrue(id.matches(0x8086, 0x1572, 0x1234, 0x5678), "subsystem not pinned");
        assertFalse(id.matches(0x8086, 0x1573, 0, 0));
        DeviceIdentity sub = DeviceIdentity.parse("8086:1572:8086:0008");
        assertTrue(sub.matches(0x8086, 0x1572, 0x8086, 0x0008));
        assertFalse(sub.matches(0x8086, 0x1572, 0x8086, 0x0009));
        assertThrows(HostdevException.class, () -> DeviceIdentity.parse("8086:1572:8086"));
    }
}
