package dev.hostdev.engine.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PciAddressTest {
    @ParameterizedTest
    @ValueSource(strings = {"03:07.0", "0000:03:07.0", "pci_0000_03_07_0", " 0000:03:07.0 ", "0:03:07.0"})
    void acceptsEverySpelling(String spelling) {
        assertEquals(new PciAddress(0, 3, 7, 0), PciAddress.parse(spelling));
    }

    @Test
    void printsSysfsAndNodedevSpellings() {
        PciAddress a = new PciAddress(0x10, 0xaf, 0x1f, 7);
        assertEquals("0010:af:1f.7", a.toString());
        assertEquals("pci_0010_af_1f_7", a.nodedevName());
        assertEquals(a, PciAddress.parse(a.toString()));
        assertEquals(a, PciAddress.parse(a.nodedevName()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "03:07", "03:20.0", "03:07.8", "../../etc", "0000:03:07.0/../x", "00:02.0\0", "046d:c52b",
        "pci_0000_03_07", "12345:00:00.0"})
    void rejectsEverythingElse(String text) {
        assertNull(PciAddress.tryParse(text));
        HostdevException e = assertThrows(HostdevException.class, () -> PciAddress.parse(text));
        assertEquals(ErrorCode.USAGE, e.code());
    }

    @Test
    void ordersByDomainBusSlotFunction() {
        assertEquals(-1, Integer.signum(PciAddress.parse("00:1f.7").compareTo(PciAddress.parse("01:00.0"))));
    }
}
