package dev.hostdev.engine.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
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

    @Test
    void ignoresStrayNamesAndHalfGoneDevices(@TempDir Path other) throws Exception {
        SysfsTree t = SysfsTree.create(other);
        t.pci("00:01.0").add();
        t.pci("00:02.0").add();
        java.nio.file.Files.createDirectory(t.sysPath("bus/pci/devices/not-a-device"));
        java.nio.file.Files.delete(t.pciDeviceDir("00:02.0").resolve("class"));
        PciInventory inv = new PciInventory(t.sysfs());
        assertEquals(List.of(PciAddress.parse("00:01.0")), inv.summaries().stream().map(PciSummary::address).toList());
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
