package dev.hostdev.engine.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sriov.SriovReader;
import dev.hostdev.engine.sriov.SriovStatus;
import dev.hostdev.engine.sysfs.SysfsWriteException;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hostdev sriov: VF counts through sriov_numvfs, on a tree whose simulated kernel creates and removes VFs. */
class SriovTest {
    static final PciAddress PF = PciAddress.parse("0000:03:00.0");
    static final Duration SETTLE = Duration.ofMillis(200);

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    Bench bench;

    @BeforeEach
    void host() {
        SysfsTree tree = SysfsTree.create(dir);
        tree.pci("03:00.0").vendor(0x1b36).device(0x0010).klass(0x010802).pcie().driver("nvme").iommuGroup(5).sriov(4, 0).add();
        tree.pciDriver("vfio-pci");
        bench = Bench.of(dir, tree, new SimulatedKernel(dir).vfDriver(PF.toString(), "nvme"));
    }

    private SriovStatus status() {
        return new SriovReader(bench.tree.sysfs()).read(PF);
    }

    private List<String> writes() {
        return bench.kernelWrites();
    }

    @Test
    void theSimulatedKernelAnswersAsIovDotCDoes() {
        var sysfs = bench.tree.sysfs(bench.kernel);
        sysfs.write("bus/pci/devices/" + PF + "/sriov_numvfs", "2");
        SysfsWriteException busy = assertThrows(SysfsWriteException.class,
                () -> sysfs.write("bus/pci/devices/" + PF + "/sriov_numvfs", "3"));
        assertEquals(16, busy.errno());
        sysfs.write("bus/pci/devices/" + PF + "/sriov_numvfs", "2");
        assertEquals(34, assertThrows(SysfsWriteException.class,
                () -> sysfs.write("bus/pci/devices/" + PF + "/sriov_numvfs", "5")).errno());
        assertEquals("../0000:03:00.0", sysfs.linkTarget("bus/pci/devices/0000:03:00.1/physfn").map(Path::toString).orElseThrow());
        sysfs.write("bus/pci/devices/" + PF + "/sriov_numvfs", "0");
        assertTrue(Files.notExists(bench.tree.sysPath("bus/pci/devices/0000:03:00.1")));
    }

    @Test
    void showsCountsAndEachVf() {
        bench.binder.setNumVfs(PF, 2, false, SETTLE);
        SriovStatus s = status();
        assertEquals(4, s.totalVfs());
        assertEquals(2, s.numVfs());
        assertEquals(Optional.of(true), s.driversAutoprobe());
        assertEquals(List.of(PciAddress.parse("03:00.1"), PciAddress.parse("03:00.2")),
                s.vfs().stream().map(v -> v.address()).toList());
        assertEquals(Optional.of("nvme"), s.vfs().get(0).driver());
        assertEquals(Optional.of("6"), s.vfs().get(0).iommuGroup());
        assertEquals(Optional.empty(), s.vfs().get(0).usedBy());
    }

    @Test
    void aChangeBetweenNonZeroCountsGoesThroughZeroAndTheDryRunSaysSo() {
        bench.binder.setNumVfs(PF, 2, false, SETTLE);
        int n = bench.kernel.writes().size();
        SriovChange plan = bench.binder.setNumVfs(PF, 3, true, SETTLE);
        assertEquals(List.of("write /sys/bus/pci/devices/0000:03:00.0/sriov_numvfs 0",
                "write /sys/bus/pci/devices/0000:03:00.0/sriov_numvfs 3"), plan.writes().stream().map(SysfsWrite::describe).toList());
        assertEquals(n, bench.kernel.writes().size(), "a dry run writes nothing");
        bench.binder.setNumVfs(PF, 3, false, SETTLE);
        assertEquals(3, status().numVfs());
        assertEquals(List.of(), bench.journal().pending());
    }

    @Test
    void autoprobeOffLeavesNewVfsWithoutADriver() {
        bench.tree.file("/sys/bus/pci/devices/" + PF + "/sriov_drivers_autoprobe", "0\n");
        bench.binder.setNumVfs(PF, 1, false, SETTLE);
        assertEquals(Optional.of(false), status().driversAutoprobe());
        assertEquals(Optional.empty(), status().vfs().get(0).driver());
    }

    @Test
    void refusesWhileAVfIsOnVfioAndOutOfRangeCounts() {
        bench.binder.setNumVfs(PF, 2, false, SETTLE);
        bench.binder.detach(List.of(PciAddress.parse("03:00.2")), DetachOptions.defaults().withSettleTimeout(SETTLE));
        int n = bench.kernel.writes().size();
        HostdevException e = assertThrows(HostdevException.class, () -> bench.binder.setNumVfs(PF, 0, true, SETTLE));
        assertEquals(ErrorCode.STATE, e.code());
        assertTrue(e.getMessage().contains("0000:03:00.2 (on vfio-pci)"), e.getMessage());
        assertTrue(e.hint().contains("hostdev reattach 0000:03:00.2"), e.hint());
        assertEquals(ErrorCode.USAGE, assertThrows(HostdevException.class, () -> bench.binder.setNumVfs(PF, 5, false, SETTLE)).code());
        assertEquals(n, bench.kernel.writes().size());
        HostdevException vf = assertThrows(HostdevException.class, () -> bench.binder.setNumVfs(PciAddress.parse("03:00.1"), 1, true, SETTLE));
        assertTrue(vf.getMessage().contains("it is a VF of 0000:03:00.0"), vf.getMessage());
    }

    @Test
    void recoverPutsBackTheCountAnInterruptedSetFound() {
        bench.binder.setNumVfs(PF, 2, false, SETTLE);
        int n = bench.kernel.writes().size();
        bench.kernel.killAfterWrite(n + 1); // dies after writing 0, before writing 3
        assertThrows(SimulatedKernel.SimulatedCrash.class, () -> bench.binder.setNumVfs(PF, 3, false, SETTLE));
        bench.kernel.revive();
        assertEquals(0, status().numVfs());
        assertEquals("sriov", bench.journal().pending().get(0).operation());
        BindResult planned = bench.binder.recover(true);
        assertEquals(List.of("write /sys/bus/pci/devices/0000:03:00.0/sriov_numvfs 2"),
                planned.writes().stream().map(SysfsWrite::describe).toList());
        bench.binder.recover(false);
        assertEquals(2, status().numVfs());
        assertEquals(List.of(), bench.journal().pending());
    }
}
