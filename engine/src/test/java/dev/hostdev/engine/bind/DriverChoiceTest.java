package dev.hostdev.engine.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.state.JournalEntry;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detach's driver choice from modules.alias, --driver and keep, on a generated tree with a ConnectX-6 Dx VF. */
class DriverChoiceTest {
    static final PciAddress MLX = PciAddress.parse("0000:05:00.0");
    static final PciAddress NVME = PciAddress.parse("0000:06:00.0");
    static final String RELEASE = "6.8.0-test";
    static final String ALIASES = """
            # a comment, and lines of other buses that must be skipped
            alias pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_core
            alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci
            alias vfio_pci:v000015B3d*sv*sd*bc*sc*i* broad_vfio_pci
            alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci
            alias vfio_pci:v000010DEd00002342sv*sd*bc*sc*i* nvgrace_gpu_vfio_pci
            alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci_second
            alias vfio_pci:garbage line with spaces
            """;

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    Bench bench;

    @BeforeEach
    void host() {
        SysfsTree tree = SysfsTree.create(dir);
        tree.pci("05:00.0").vendor(0x15b3).device(0x101e).klass(0x020000).pcie().driver("mlx5_core").iommuGroup(20).add();
        tree.pci("06:00.0").vendor(0x144d).device(0xa808).klass(0x010802).pcie().driver("nvme").iommuGroup(21).add();
        tree.pciDriver("vfio-pci").pciDriver("mlx5_vfio_pci");
        tree.file("/proc/sys/kernel/osrelease", RELEASE + "\n");
        tree.file("/lib/modules/" + RELEASE + "/modules.alias", ALIASES);
        bench = Bench.of(dir, tree, new SimulatedKernel(dir).vfioDriver("mlx5_vfio_pci"));
    }

    private List<String> writes() {
        return bench.kernelWrites();
    }

    @Test
    void theMostSpecificVfioAliasWinsAndIsUsedEndToEnd() {
        BindResult plan = bench.binder.detach(List.of(MLX), DetachOptions.defaults().withDryRun(true));
        DriverChoice choice = plan.devices().get(0).driverChoice().orElseThrow();
        assertEquals("mlx5_vfio_pci", choice.driver());
        assertTrue(choice.reason().contains("alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci (5 wildcards, "
                + "the most specific of 4 matches)"), choice.reason());
        assertEquals("write /sys/bus/pci/devices/0000:05:00.0/driver_override mlx5_vfio_pci",
                plan.devices().get(0).writes().get(0).describe());
        assertEquals(List.of(), bench.kernel.writes(), "a dry run writes nothing");

        BindResult done = bench.binder.detach(List.of(MLX), DetachOptions.defaults());
        assertEquals(Outcome.DETACHED, done.devices().get(0).outcome());
        assertEquals("mlx5_vfio_pci", bench.kernel.currentDriver(MLX.toString()).orElseThrow());
        assertEquals("/dev/vfio/20", done.devices().get(0).vfioNode().orElseThrow());
        assertEquals("mlx5_vfio_pci", bench.records().find(MLX).orElseThrow().driver());

        bench.binder.reattach(List.of(MLX), ReattachOptions.defaults());
        assertEquals("mlx5_core", bench.kernel.currentDriver(MLX.toString()).orElseThrow());
        assertFalse(Files.exists(dir.resolve("dev/vfio/20")));
    }

    @Test
    void aDeviceNoVariantMatchesGoesToVfioPci() {
        BindResult r = bench.binder.detach(List.of(NVME), DetachOptions.defaults().withDryRun(true));
        DriverChoice c = r.devices().get(0).driverChoice().orElseThrow();
        assertEquals("vfio-pci", c.driver());
        assertTrue(c.reason().startsWith("no variant driver in /lib/modules/6.8.0-test/modules.alias matches pci:v0000144Dd0000A808"),
                c.reason());
    }

    @Test
    void withoutModulesAliasItIsVfioPciAndSaysWhy() throws Exception {
        Files.delete(dir.resolve("lib/modules/" + RELEASE + "/modules.alias"));
        DriverChoice c = bench.binder.detach(List.of(MLX), DetachOptions.defaults().withDryRun(true)).devices().get(0)
                .driverChoice().orElseThrow();
        assertEquals(new DriverChoice("vfio-pci", "no variant driver known: no /lib/modules/6.8.0-test/modules.alias"), c);
    }

    @Test
    void aNamedVfioDriverOverridesTheChoice() {
        bench.binder.detach(List.of(MLX), DetachOptions.defaults().withDriver("vfio-pci"));
        assertEquals("vfio-pci", bench.kernel.currentDriver(MLX.toString()).orElseThrow());
    }

    @Test
    void aDriverThatIsNotVfioIsRefusedBeforeAnyWrite() {
        HostdevException e = assertThrows(HostdevException.class,
                () -> bench.binder.detach(List.of(MLX), DetachOptions.defaults().withDriver("nvme")));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.getMessage().contains("cannot give 0000:05:00.0 to nvme: it is not a VFIO driver"), e.getMessage());
        assertTrue(e.hint().contains("--driver vfio-pci"), e.hint());
        assertThrows(HostdevException.class, () -> bench.binder.detach(List.of(MLX), DetachOptions.defaults().withDriver("pci-stub")));
        assertEquals(List.of(), bench.kernel.writes());
    }

    @Test
    void keepLeavesADeviceAlreadyOnVfioAloneWhereAutoWouldMoveIt() {
        bench.binder.detach(List.of(MLX), DetachOptions.defaults().withDriver("vfio-pci"));
        int before = bench.kernel.writes().size();
        BindResult keep = bench.binder.detach(List.of(MLX), DetachOptions.defaults().withDriver(DriverChooser.KEEP));
        assertEquals(Outcome.ALREADY_DETACHED, keep.devices().get(0).outcome());
        assertEquals("keep: already on the VFIO driver vfio-pci", keep.devices().get(0).driverChoice().orElseThrow().reason());
        assertEquals(before, bench.kernel.writes().size());
        BindResult auto = bench.binder.detach(List.of(MLX), DetachOptions.defaults().withDryRun(true));
        assertEquals("mlx5_vfio_pci", auto.devices().get(0).after().driver().orElseThrow());
    }

    @Test
    void keepOnAHostDriverPicksTheBestMatch() {
        DriverChoice c = bench.binder.detach(List.of(MLX), DetachOptions.defaults().withDriver("keep").withDryRun(true))
                .devices().get(0).driverChoice().orElseThrow();
        assertEquals("mlx5_vfio_pci", c.driver());
        assertTrue(c.reason().startsWith("keep: not on a VFIO driver (mlx5_core), so "), c.reason());
    }

    @Test
    void aVariantNotLoadedIsNamedWithTheFix() throws Exception {
        try (var walk = Files.walk(dir.resolve("sys/bus/pci/drivers/mlx5_vfio_pci"))) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        HostdevException e = assertThrows(HostdevException.class, () -> bench.binder.detach(List.of(MLX), DetachOptions.defaults()));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.hint().contains("modprobe mlx5_vfio_pci"), e.hint());
        assertEquals(List.of(), bench.kernel.writes());
    }

    @Test
    void theJournalRecordsTheDriverAndRecoverRollsBackFromIt() {
        bench.kernel.killAfterWrite(2);
        assertThrows(SimulatedKernel.SimulatedCrash.class, () -> bench.binder.detach(List.of(MLX), DetachOptions.defaults()));
        bench.kernel.revive();
        JournalEntry entry = bench.journal().pending().get(0);
        assertEquals("mlx5_vfio_pci", entry.devices().get(0).targetDriver());
        bench.binder.recover(false);
        assertEquals("mlx5_core", bench.kernel.currentDriver(MLX.toString()).orElseThrow());
        assertTrue(bench.kernel.driverOverride(MLX.toString()).isEmpty());
    }

    @Test
    void globsMatchAsKmodDoes() {
        assertTrue(VfioModuleAliases.glob("v*d*sv*", "v1d2sv3"));
        assertTrue(VfioModuleAliases.glob("v?d*", "v1d"));
        assertFalse(VfioModuleAliases.glob("v*d*sv*sd*bc02*", "v1d2sv3sd4bc03sc00i00"));
        assertFalse(VfioModuleAliases.glob("v1", "v12"));
        assertEquals(5, new VfioModuleAliases.Alias("v000015B3d0000101Esv*sd*bc*sc*i*", "m").wildcards());
    }
}
