package dev.hostdev.launcher.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.HostdevException;
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
        assertEquals(new UsbDeviceRef.ById(0x046d, 0xc52b), UsbDeviceRef.parse("046d:c52b"));
        assertEquals(new UsbDeviceRef.ByPort(3, "1.4"), UsbDeviceRef.parse("3-1.4"));
        assertEquals("3-1.4", UsbDeviceRef.parse("3-1.4").toString());
        for (String bad : new String[] {"046d", "0-1", "1-0", "1-", "x:y", "003:005"}) {
            assertThrows(HostdevException.class, () -> UsbDeviceRef.parse(bad), bad);
        }
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
