package dev.hostdev.engine.iommu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupViabilityTest {
    @TempDir
    Path dir;

    private static PciSummary dev(String address, int classCode, String driver) {
        return new PciSummary(PciAddress.parse(address), 0x8086, 0x1234, classCode, 0, Optional.ofNullable(driver),
                OptionalInt.of(14), OptionalInt.of(-1));
    }

    private static final PciAddress GPU = PciAddress.parse("01:00.0");
    private static final PciAddress AUDIO = PciAddress.parse("01:00.1");

    @Test
    void gpuWithAudioOnItsHostDriverIsNotViable() {
        Viability v = GroupViability.check(14,
                List.of(dev("01:00.0", 0x030000, "nouveau"), dev("01:00.1", 0x040300, "snd_hda_intel")), Set.of(GPU));
        assertFalse(v.viable());
        assertEquals(List.of(new Blocker(AUDIO, "snd_hda_intel")), v.blockers());
        assertEquals("IOMMU group 14 is not viable: 0000:01:00.1 is still bound to snd_hda_intel; "
                + "detach it too or use --group", v.describe());
        HostdevException e = assertThrows(HostdevException.class, v::requireViable);
        assertEquals(ErrorCode.NOT_VIABLE, e.code());
    }

    @Test
    void detachingBothFunctionsMakesItViable() {
        Viability v = GroupViability.check(14,
                List.of(dev("01:00.0", 0x030000, "nouveau"), dev("01:00.1", 0x040300, "snd_hda_intel")),
                Set.of(GPU, AUDIO));
        assertTrue(v.viable());
        assertEquals("IOMMU group 14 is viable", v.describe());
        v.requireViable();
    }

    @Test
    void vfioStubAndNoDriverAreFine() {
        assertTrue(GroupViability.check(1, List.of(dev("01:00.0", 0x030000, "vfio-pci"),
                dev("01:00.1", 0x040300, "pci-stub"), dev("01:00.2", 0x0c0330, null),
                dev("01:00.3", 0x020000, "mlx5_vfio_pci")), Set.of()).viable());
    }

    @Test
    void bridgesDoNotCountWhateverTheirDriver() {
        Viability v = GroupViability.check(5, List.of(dev("00:1c.0", 0x060400, "pcieport"),
                dev("03:00.0", 0x060400, null), dev("04:01.0", 0x020000, "vfio-pci")), Set.of());
        assertTrue(v.viable());
    }

    @Test
    void severalBlockersAreAllNamedInAddressOrder() {
        Viability v = GroupViability.check(5, List.of(dev("04:02.0", 0x020000, "virtio-pci"),
                dev("03:00.0", 0x060400, null), dev("04:01.0", 0x020000, "e1000")), Set.of());
        assertEquals("IOMMU group 5 is not viable: 0000:04:01.0 is still bound to e1000, 0000:04:02.0 is still "
                + "bound to virtio-pci; detach them too or use --group", v.describe());
    }

    @Test
    void hostBridgeOnADriverBlocks() {
        assertFalse(GroupViability.check(0, List.of(dev("00:00.0", 0x060000, "agpgart")), Set.of()).viable());
    }

    @Test
    void pciePciBridgeGroupReadFromSysfs() {
        SysfsTree t = SampleHosts.workstation(dir);
        IommuGroups groups = new IommuGroups(t.sysfs());
        IommuGroup g = groups.of(PciAddress.parse("04:01.0"));
        assertEquals(5, g.number());
        assertEquals(List.of(PciAddress.parse("03:00.0"), PciAddress.parse("04:01.0"), PciAddress.parse("04:02.0")),
                g.members());
        PciInventory inv = new PciInventory(t.sysfs());
        var members = g.members().stream().map(inv::find).toList();
        Viability v = GroupViability.check(g.number(), members, Set.of(PciAddress.parse("04:01.0")));
        assertTrue(v.viable(), v.describe());
        assertEquals(List.of(PciAddress.parse("03:00.0"), PciAddress.parse("04:02.0")),
                g.othersThan(PciAddress.parse("04:01.0")));
    }

    @Test
    void groupsAreReadAndNumbered() {
        SysfsTree t = SampleHosts.workstation(dir);
        IommuGroups groups = new IommuGroups(t.sysfs());
        assertTrue(groups.iommuEnabled());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 14, 19, 20, 21),
                groups.all().stream().map(IommuGroup::number).toList());
        assertEquals(List.of(GPU, AUDIO), groups.get(14).orElseThrow().members());
        assertEquals(Optional.empty(), groups.get(99));
    }

    @Test
    void deviceWithoutGroupMeansIommuOff() {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("00:02.0").add();
        IommuGroups groups = new IommuGroups(t.sysfs());
        assertFalse(groups.iommuEnabled());
        HostdevException e = assertThrows(HostdevException.class, () -> groups.of(PciAddress.parse("00:02.0")));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains("0000:00:02.0"));
        assertEquals(ErrorCode.NOT_FOUND,
                assertThrows(HostdevException.class, () -> groups.of(PciAddress.parse("00:09.0"))).code());
    }
}
