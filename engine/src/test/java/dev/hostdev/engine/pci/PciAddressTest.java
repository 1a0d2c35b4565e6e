package dev.hostdev.engine.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
        "pci_0000_03_07", "100000000:00:00.0", "000000000:00:00.0", "pci_100000000_00_00_0", "pci_000_00_00_0",
        "pci_10000_00_00", "-1:00:00.0", "+1:00:00.0", "10000:100:00.0", "ｆｆｆｆ:00:00.0"})
    void rejectsEverythingElse(String text) {
        assertNull(PciAddress.tryParse(text));
        HostdevException e = assertThrows(HostdevException.class, () -> PciAddress.parse(text));
        assertEquals(ErrorCode.USAGE, e.code());
    }

    @Test
    void ordersByDomainBusSlotFunction() {
        assertEquals(-1, Integer.signum(PciAddress.parse("00:1f.7").compareTo(PciAddress.parse("01:00.0"))));
        assertEquals(-1, Integer.signum(PciAddress.parse("ffff:ff:1f.7").compareTo(PciAddress.parse("10000:00:00.0"))));
        assertEquals(-1, Integer.signum(PciAddress.parse("7fffffff:00:00.0").compareTo(PciAddress.parse("80000000:00:00.0"))));
        assertEquals(-1, Integer.signum(PciAddress.parse("10001:00:00.0").compareTo(PciAddress.parse("ffffffff:00:00.0"))));
    }

    /** Intel VMD's domains and the 32-bit edge: every spelling, printed as the kernel and lspci -D print them. */
    @ParameterizedTest
    @CsvSource({
        "10000:01:00.0, 65536, 10000:01:00.0, pci_10000_01_00_0",
        "pci_10000_01_00_0, 65536, 10000:01:00.0, pci_10000_01_00_0",
        "10001:00:04.0, 65537, 10001:00:04.0, pci_10001_00_04_0",
        "0010000:01:00.0, 65536, 10000:01:00.0, pci_10000_01_00_0",
        "ffff:00:00.0, 65535, ffff:00:00.0, pci_ffff_00_00_0",
        "7fffffff:00:00.0, 2147483647, 7fffffff:00:00.0, pci_7fffffff_00_00_0",
        "80000000:00:00.0, 2147483648, 80000000:00:00.0, pci_80000000_00_00_0",
        "FFFFFFFF:FF:1F.7, 4294967295, ffffffff:ff:1f.7, pci_ffffffff_ff_1f_7",
        "pci_ffffffff_ff_1f_7, 4294967295, ffffffff:ff:1f.7, pci_ffffffff_ff_1f_7",
        "pci_00000001_00_00_0, 1, 0001:00:00.0, pci_0001_00_00_0"})
    void domainsBeyondSixteenBits(String spelling, long domain, String sysfs, String nodedev) {
        PciAddress a = PciAddress.parse(spelling);
        assertEquals(domain, a.domain());
        assertEquals(sysfs, a.toString());
        assertEquals(nodedev, a.nodedevName());
        assertEquals(a, PciAddress.parse(a.toString()));
        assertEquals(a, PciAddress.parse(a.nodedevName()));
        assertEquals(a, PciAddress.fromSysfsName(a.toString()));
        assertEquals(domain <= 0xffff, a.hasShortDomain());
    }

    @Test
    void theConstructorTakesThirtyTwoBitDomainsOnly() {
        assertEquals("ffffffff:00:00.0", new PciAddress(0xffff_ffffL, 0, 0, 0).toString());
        assertEquals(ErrorCode.USAGE, assertThrows(HostdevException.class, () -> new PciAddress(0x1_0000_0000L, 0, 0, 0)).code());
        assertEquals(ErrorCode.USAGE, assertThrows(HostdevException.class, () -> new PciAddress(-1, 0, 0, 0)).code());
    }

    /** The quick parse for listings takes the kernel's spelling only: lower case, %04x, nothing around it. */
    @ParameterizedTest
    @ValueSource(strings = {"0000:00:02.0", "10000:00:02.0", "10001:e1:1f.7", "ffffffff:00:00.0", "abcdef01:00:00.0"})
    void sysfsNamesAsTheKernelWritesThem(String name) {
        assertEquals(name, PciAddress.fromSysfsName(name).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"000:00:02.0", "00000:00:02.0", "010000:00:02.0", "0000:00:02.0 ", "0000:00:02.8",
        "0000:00:20.0", "0000:0g:02.0", "0000:00:02:0", "ABCD:00:00.0", "100000000:00:00.0", "pci0000:00", "0000:00:02",
        "10000:00:02.0.1", ""})
    void notSysfsNames(String name) {
        assertNull(PciAddress.fromSysfsName(name));
    }
}
