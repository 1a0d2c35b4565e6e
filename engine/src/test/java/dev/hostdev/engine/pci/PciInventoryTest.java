package dev.hostdev.engine.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PciInventoryTest {
    @TempDir
    Path dir;
    PciInventory inventory;

    @BeforeEach
    void setUp() {
        inventory = new PciInventory(SampleHosts.workstation(dir).sysfs());
    }

    @Test
    void listsEveryDeviceInAddressOrder() {
        List<PciSummary> all = inventory.summaries();
        assertEquals(15, all.size());
        assertEquals("0000:00:00.0", all.get(0).address().toString());
        assertEquals("0000:04:02.0", all.get(14).address().toString());
        PciSummary gpu = all.stream().filter(d -> d.address().toString().equals("0000:01:00.0")).findFirst().orElseThrow();
        assertEquals(new PciSummary(PciAddress.parse("01:00.0"), 0x10de, 0x1b80, 0x030000, 0xa1, Optional.of("nouveau"),
                OptionalInt.of(14), OptionalInt.of(-1)), gpu);
        assertEquals(OptionalInt.empty(), inventory.summaries(false).get(7).numaNode());
        assertEquals(gpu.address(), inventory.summaries(false).get(7).address());
    }

    @Test
    void parallelReadingGivesTheSameListInTheSameOrder() {
        List<PciSummary> sequential = inventory.summaries();
        List<PciSummary> parallel = new PciInventory(SampleHosts.workstation(dir.resolve("again")).sysfs(), 2).summaries();
        assertEquals(sequential, parallel);
    }

    @Test
    void summariesAgreeWithTheFullRead() {
        for (PciSummary s : inventory.summaries()) {
            assertEquals(inventory.find(s.address()).summary(), s);
        }
    }

    @Test
    void virtualFunctionIdsComeFromTheAttributesWhenConfigSpaceReadsAllOnes(@TempDir Path other) throws Exception {
        SysfsTree t = SysfsTree.create(other);
        t.pci("00:01.0").vendor(0x8086).device(0x10ca).klass(0x020000).revision(1).add();
        byte[] config = java.nio.file.Files.readAllBytes(t.pciDeviceDir("00:01.0").resolve("config"));
        config[0] = config[1] = config[2] = config[3] = (byte) 0xff; // as an SR-IOV VF's config space reads
        java.nio.file.Files.write(t.pciDeviceDir("00:01.0").resolve("config"), config);
        PciSummary s = new PciInventory(t.sysfs()).summaries().get(0);
        assertEquals(0x8086, s.vendorId());
        assertEquals(0x10ca, s.deviceId());
        assertEquals(1, s.revision());
    }

    @Test
    void readsEverythingAboutADevice() {
        PciDevice pf = inventory.find(PciAddress.parse("02:00.0"));
        assertEquals("devices/pci0000:00/0000:00:1c.4/0000:02:00.0", pf.sysfsPath());
        assertEquals(Optional.of(PciAddress.parse("00:1c.4")), pf.parent());
        assertEquals(0xa03c, pf.subsystemDeviceId());
        assertEquals(0, pf.numaNode());
        assertTrue(pf.pcie());
        assertEquals(OptionalInt.of(0), pf.pcieType());
        assertEquals(List.of("flr", "bus"), pf.resetMethods());
        assertEquals(Optional.of(new PcieLink("2.5 GT/s PCIe", 4, "5.0 GT/s PCIe", 4)), pf.link());
        assertEquals(Optional.of(new Sriov(8, 2, List.of(PciAddress.parse("02:10.0"), PciAddress.parse("02:10.2")))),
                pf.sriov());
        assertFalse(pf.isVirtualFunction());
        assertEquals(Optional.empty(), pf.driverOverride());
        PciDevice vf = inventory.find(PciAddress.parse("pci_0000_02_10_2"));
        assertEquals(Optional.of(PciAddress.parse("02:00.0")), vf.physfn());
        assertTrue(vf.isVirtualFunction());
    }

    @Test
    void bridgesAndTheirKinds() {
        PciDevice bridge = inventory.find(PciAddress.parse("03:00.0"));
        assertTrue(bridge.isBridge());
        assertTrue(bridge.isPcieToPciBridge());
        assertEquals(Optional.empty(), bridge.driver());
        PciDevice rootPort = inventory.find(PciAddress.parse("00:1c.0"));
        assertTrue(rootPort.isBridge());
        assertFalse(rootPort.isPcieToPciBridge());
        PciDevice behind = inventory.find(PciAddress.parse("04:01.0"));
        assertFalse(behind.pcie());
        assertEquals(Optional.of(PciAddress.parse("03:00.0")), behind.parent());
        assertTrue(inventory.find(PciAddress.parse("00:00.0")).isHostBridge());
        assertTrue(inventory.find(PciAddress.parse("00:02.0")).bootVga());
        assertFalse(inventory.find(PciAddress.parse("01:00.0")).bootVga());
    }

    @Test
    void absentDeviceIsNotFoundNamingItAndTheFix() {
        HostdevException e = assertThrows(HostdevException.class, () -> inventory.find(PciAddress.parse("09:00.0")));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertEquals("no PCI device 0000:09:00.0 on this host", e.getMessage());
        assertTrue(e.hint().contains("hostdev list"));
    }

    /**
     * Every entry of /sys/bus/pci/devices is accounted for: the ones that read, in address order across
     * 16-bit, VMD (10000, 10001) and 32-bit-edge domains, and every one that does not, with what could be
     * read and why.
     */
    @Test
    void accountsForEveryEntryAcrossDomainsAndReportsWhatItCannotRead(@TempDir Path other) throws Exception {
        SysfsTree t = SysfsTree.create(other);
        t.pci("0000:00:0e.0").vendor(0x8086).device(0x467f).klass(0x010400).driver("vmd").add();
        t.pci("10000:00:02.0").parent("0000:00:0e.0").vendor(0x8086).device(0x7a38).rootPort().secondaryBus(1).add();
        t.pci("10000:01:00.0").parent("10000:00:02.0").vendor(0x144d).device(0xa80a).klass(0x010802).pcie()
                .driver("nvme").iommuGroup(7).add();
        t.pci("10001:01:00.0").vendor(0x8086).device(0x0a54).klass(0x010802).pcie().driver("nvme").add();
        t.pci("ffff:00:00.0").add();
        t.pci("ffffffff:ff:1f.7").add();
        t.pci("0000:00:01.0").add();
        // Bad entries, each a way sysfs (or a damaged tree) can fail a reader.
        t.pci("0000:00:02.0").vendor(0x8086).device(0x1234).driver("e1000e").iommuGroup(3).add();
        Files.delete(t.pciDeviceDir("0000:00:02.0").resolve("class"));
        t.pci("0000:00:03.0").add();
        Files.writeString(t.pciDeviceDir("0000:00:03.0").resolve("class"), "zz\n");
        t.pci("10000:02:00.0").vendor(0x8086).device(0x0a54).add();
        Files.write(t.pciDeviceDir("10000:02:00.0").resolve("config"), new byte[0]); // unreadable config space
        Files.writeString(t.pciDeviceDir("10000:02:00.0").resolve("vendor"), "0x12345\n");
        Files.createSymbolicLink(t.sysPath("bus/pci/devices/0000:00:04.0"), Path.of("../../../devices/pci0000:00/gone"));
        Files.createDirectory(t.sysPath("bus/pci/devices/not-a-device"));
        Files.createDirectory(t.sysPath("bus/pci/devices/0000:00:0A.0"));
        Files.createDirectory(t.sysPath("bus/pci/devices/00010000:00:05.0"));

        PciListing listing = new PciInventory(t.sysfs()).listing(true);
        assertEquals(List.of("0000:00:01.0", "0000:00:0e.0", "ffff:00:00.0", "10000:00:02.0", "10000:01:00.0",
                "10001:01:00.0", "ffffffff:ff:1f.7"), listing.devices().stream().map(d -> d.address().toString()).toList());
        assertEquals(Optional.of("nvme"), listing.devices().get(4).driver());
        assertEquals(OptionalInt.of(7), listing.devices().get(4).iommuGroup());
        assertEquals(List.of("0000:00:02.0", "0000:00:03.0", "0000:00:04.0", "0000:00:0A.0", "00010000:00:05.0",
                "10000:02:00.0", "not-a-device"), listing.unreadable().stream().map(UnreadablePciEntry::name).toList());
        assertEquals(14, listing.size());

        UnreadablePciEntry noClass = listing.unreadable().get(0);
        assertEquals(Optional.of(PciAddress.parse("00:02.0")), noClass.address());
        assertEquals(OptionalInt.of(0x8086), noClass.vendorId());
        assertEquals(OptionalInt.of(0x1234), noClass.deviceId());
        assertEquals(OptionalInt.empty(), noClass.classCode());
        assertEquals(Optional.of("e1000e"), noClass.driver());
        assertEquals(OptionalInt.of(3), noClass.iommuGroup());
        assertEquals("'class' is missing or unreadable", noClass.problem());
        assertEquals("'class' holds 'zz', not a class code", listing.unreadable().get(1).problem());
        assertTrue(listing.unreadable().get(2).problem().startsWith("the link points to nothing ("), listing.unreadable().get(2).problem());
        assertEquals(Optional.empty(), listing.unreadable().get(3).address());
        assertTrue(listing.unreadable().get(3).problem().startsWith("the name is not a PCI address"));
        UnreadablePciEntry garbageVendor = listing.unreadable().get(5);
        assertEquals(Optional.of(PciAddress.parse("10000:02:00.0")), garbageVendor.address());
        assertEquals("'vendor' holds '0x12345', not a vendor ID", garbageVendor.problem());
        assertEquals(OptionalInt.of(0x0a54), garbageVendor.deviceId());
        assertEquals(OptionalInt.of(0xff0000), garbageVendor.classCode());
        assertEquals("/sys/bus/pci/devices/10000:02:00.0: 'vendor' holds '0x12345', not a vendor ID", garbageVendor.warning());
        assertTrue(listing.unreadable().get(6).problem().contains("'vendor' is missing or unreadable"));

        // summaries() is the readable part, and no failure of one entry stops the others being read.
        assertEquals(listing.devices(), new PciInventory(t.sysfs(), 2).summaries());
    }

    @Test
    void aPresentButUnreadableDeviceIsAnEnvironmentErrorNamingWhatIsWrongAndWhatWasRead(@TempDir Path other)
            throws Exception {
        SysfsTree t = SysfsTree.create(other);
        t.pci("10000:01:00.0").vendor(0x144d).device(0xa80a).klass(0x010802).driver("nvme").iommuGroup(7).add();
        Files.writeString(t.pciDeviceDir("10000:01:00.0").resolve("class"), "garbage\n");
        PciInventory inv = new PciInventory(t.sysfs());
        PciAddress a = PciAddress.parse("pci_10000_01_00_0");
        assertEquals(Optional.empty(), inv.get(a));
        HostdevException e = assertThrows(HostdevException.class, () -> inv.find(a));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertEquals("PCI device 10000:01:00.0 is listed in /sys/bus/pci/devices but cannot be read: 'class' holds "
                + "'garbage', not a class code (read: vendor 144d, device a80a, class unknown, revision 00, driver nvme, "
                + "IOMMU group 7)", e.getMessage());
        assertTrue(e.hint().contains("dmesg"), e.hint());
        // Absent stays not found.
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(HostdevException.class,
                () -> inv.find(PciAddress.parse("10000:02:00.0"))).code());
    }

    @Test
    void aVmdDriveReadsInFull(@TempDir Path other) {
        SysfsTree t = SysfsTree.create(other);
        t.pci("0000:00:0e.0").vendor(0x8086).device(0x467f).klass(0x010400).driver("vmd").add();
        t.pci("10000:00:02.0").parent("0000:00:0e.0").vendor(0x8086).device(0x7a38).rootPort().secondaryBus(1).add();
        t.pci("10000:01:00.0").parent("10000:00:02.0").vendor(0x144d).device(0xa80a).klass(0x010802).pcie()
                .driver("nvme").iommuGroup(7).add();
        PciDevice d = new PciInventory(t.sysfs()).find(PciAddress.parse("10000:01:00.0"));
        assertEquals("devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0", d.sysfsPath());
        assertEquals(Optional.of(PciAddress.parse("10000:00:02.0")), d.parent());
        assertEquals(Optional.of(PciAddress.parse("00:0e.0")),
                new PciInventory(t.sysfs()).find(PciAddress.parse("10000:00:02.0")).parent(),
                "a VMD domain's root bus hangs below the VMD, which libvirt too names as the parent");
        assertEquals(Optional.empty(), new PciInventory(t.sysfs()).find(PciAddress.parse("00:0e.0")).parent());
    }

    @Test
    void emptyTreeHasNoDevices(@TempDir Path other) {
        assertEquals(List.of(), new PciInventory(SysfsTree.create(other).sysfs()).summaries());
    }

    @Test
    void pcieCapabilityWalkStopsOnLoops() {
        byte[] config = new byte[256];
        config[0x06] = 0x10;
        config[0x34] = 0x40;
        config[0x40] = 0x01;
        config[0x41] = 0x40; // points at itself
        assertEquals(OptionalInt.empty(), PciDeviceReader.pcieType(config));
        assertEquals(OptionalInt.empty(), PciDeviceReader.pcieType(new byte[64]));
    }
}
