package dev.hostdev.engine.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.usb.UsbAddress;
import dev.hostdev.engine.usb.UsbId;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DeviceRefTest {
    @Test
    void pciSpellings() {
        DeviceRef want = new DeviceRef.Pci(new PciAddress(0, 3, 7, 0));
        assertEquals(want, DeviceRef.parse("03:07.0"));
        assertEquals(want, DeviceRef.parse("0000:03:07.0"));
        assertEquals(want, DeviceRef.parse("pci_0000_03_07_0"));
    }

    @Test
    void usbSpellings() {
        assertEquals(new DeviceRef.UsbPort(new UsbAddress(1, List.of(2))), DeviceRef.parse("1-2"));
        assertEquals(new DeviceRef.UsbPort(new UsbAddress(3, List.of(2, 3, 4))), DeviceRef.parse("3-2.3.4"));
        assertEquals("3-2.3.4", DeviceRef.parse("3-2.3.4").toString());
        assertEquals(new DeviceRef.Usb(new UsbId(0x046d, 0xc52b)), DeviceRef.parse("046d:c52b"));
        assertEquals("046d:c52b", DeviceRef.parse("046D:C52B").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "../../etc", "/sys/bus/pci/devices/0000:00:02.0", "0000:00:02.0/../x",
        "0000:00:02.0\0", "03:20.0", "03:07.8", "1-0", "0-1", "1-2.", "1-2..3", "usb_1", "usb_1_0", "usb_0_1", "usb1_2", "usb_usb0", "46d:c52b", "046d:c52b:1",
        "eth0", "1-1.1.1.1.1.1.1.1", "1-256", "03:07.0 "})
    void anythingElseIsAOneLineUsageError(String text) {
        HostdevException e = assertThrows(HostdevException.class, () -> DeviceRef.parse(text));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.getMessage().startsWith("not a device: '"), e.getMessage());
        assertTrue(!e.getMessage().contains("\0") && !e.getMessage().contains("\n"));
        assertTrue(e.hint().contains("03:07.0") && e.hint().contains("1-2") && e.hint().contains("046d:c52b"));
    }

    @Test
    void libvirtsUsbNodedevNamesAreBusPorts() {
        assertEquals(new DeviceRef.UsbPort(new UsbAddress(1, List.of(1))), DeviceRef.parse("usb_1_1"));
        assertEquals(new DeviceRef.UsbPort(new UsbAddress(3, List.of(2, 3, 4))), DeviceRef.parse("usb_3_2_3_4"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"usb1", "usb_usb1"})
    void aRootHubIsRecognisedAndRefusedAsADeviceToGive(String text) {
        HostdevException e = assertThrows(HostdevException.class, () -> DeviceRef.parse(text));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.getMessage().contains("root hub of USB bus 1"), e.getMessage());
    }

    @Test
    void nullIsAUsageError() {
        assertEquals(ErrorCode.USAGE, assertThrows(HostdevException.class, () -> DeviceRef.parse(null)).code());
    }
}
