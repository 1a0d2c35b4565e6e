package dev.hostdev.engine.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vfio-pci (and the type1 backend) loaded on demand by detach; never on the real host under another root. */
class ModuleLoadingTest {
    private static final PciAddress NIC = PciAddress.parse("04:01.0");
    private static final DetachOptions VFIO = DetachOptions.defaults().withSettleTimeout(Duration.ofMillis(200));

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    SysfsTree tree;
    SimulatedKernel kernel;
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void host() {
        tree = SampleHosts.workstation(dir); // no sys/bus/pci/drivers/vfio-pci: the module is not loaded
        kernel = new SimulatedKernel(dir);
    }

    private DeviceBinder binder(ModuleLoader loader) {
        BindObserver observer = new BindObserver() {
            @Override
            public void progress(PciAddress device, String message) {
                progress.add(message);
            }
        };
        return new DeviceBinder(tree.sysfs(kernel), observer, "test", loader);
    }

    @Test
    void detachLoadsVfioPciAndType1ThenBinds() {
        BindResult r = binder(kernel::loadModule).detach(List.of(NIC), VFIO.withWholeGroup(true));
        assertEquals(List.of("vfio-pci", "vfio_iommu_type1"), kernel.modulesLoaded());
        assertTrue(progress.containsAll(List.of("loading module vfio-pci", "loading module vfio_iommu_type1")), progress.toString());
        assertEquals(Outcome.DETACHED, r.devices().get(0).outcome());
        assertEquals("vfio-pci", tree.sysfs().linkName("bus/pci/devices/0000:04:01.0/driver").orElseThrow());
        // Loaded now: a second detach loads nothing.
        binder(kernel::loadModule).detach(List.of(PciAddress.parse("04:02.0")), VFIO.withWholeGroup(true));
        assertEquals(2, kernel.modulesLoaded().size());
    }

    @Test
    void dryRunSaysWhatItWouldLoadAndLoadsNothing() {
        BindResult r = binder(kernel::loadModule).detach(List.of(NIC), VFIO.withWholeGroup(true).withDryRun(true));
        assertEquals(List.of(), kernel.modulesLoaded());
        List<String> warnings = r.devices().stream().flatMap(d -> d.warnings().stream()).distinct().toList();
        assertTrue(warnings.contains("would load module vfio-pci"), warnings.toString());
        assertTrue(warnings.contains("would load module vfio_iommu_type1"), warnings.toString());
        assertFalse(Files.exists(dir.resolve("sys/bus/pci/drivers/vfio-pci")));
    }

    @Test
    void aRefusedDetachLoadsNothing() {
        HostdevException e = assertThrows(HostdevException.class,
                () -> binder(kernel::loadModule).detach(List.of(PciAddress.parse("01:00.0")), VFIO));
        assertEquals(ErrorCode.NOT_VIABLE, e.code());
        assertEquals(List.of(), kernel.modulesLoaded());
    }

    @Test
    void underAnotherRootTheDefaultLoaderRefusesAndRunsNoModprobe() {
        DeviceBinder binder = new DeviceBinder(tree.sysfs(kernel), BindObserver.SILENT, "test");
        HostdevException e = assertThrows(HostdevException.class, () -> binder.detach(List.of(NIC), VFIO.withWholeGroup(true)));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains("module vfio-pci is not loaded under --root " + dir), e.getMessage());
        assertTrue(e.hint().contains("modprobe vfio-pci"), e.hint());
        assertEquals(List.of(), kernel.writes());
        // The plan is still printed for a dry run.
        BindResult plan = binder.detach(List.of(NIC), VFIO.withWholeGroup(true).withDryRun(true));
        assertTrue(plan.devices().get(0).warnings().contains("would load module vfio-pci"));
    }

    @Test
    void aModuleThatLoadsNoDriverOrFailsIsAnEnvironmentErrorAndNothingIsWritten() {
        kernel.moduleWithoutDriver("vfio-pci");
        HostdevException e = assertThrows(HostdevException.class,
                () -> binder(kernel::loadModule).detach(List.of(NIC), VFIO.withWholeGroup(true)));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains("still no /sys/bus/pci/drivers/vfio-pci"), e.getMessage());
        assertEquals(List.of(), kernel.writes());
        HostdevException missing = assertThrows(HostdevException.class,
                () -> binder(kernel.moduleMissing("vfio-pci")::loadModule).detach(List.of(PciAddress.parse("04:02.0")),
                        VFIO.withWholeGroup(true)));
        assertEquals(ErrorCode.ENVIRONMENT, missing.code());
        assertTrue(missing.getMessage().contains("modprobe vfio-pci failed"), missing.getMessage());
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void aMissingType1BackendIsOnlyAWarning() {
        kernel.moduleMissing("vfio_iommu_type1");
        BindResult r = binder(kernel::loadModule).detach(List.of(NIC), VFIO.withWholeGroup(true));
        assertEquals(Outcome.DETACHED, r.devices().get(0).outcome());
        assertTrue(r.devices().stream().flatMap(d -> d.warnings().stream())
                .anyMatch(w -> w.startsWith("vfio_iommu_type1 could not be loaded")), r.devices().toString());
    }

    /** A ConnectX VF whose best VFIO driver, from modules.alias, is the variant mlx5_vfio_pci (not loaded). */
    private static SysfsTree connectX(Path root) {
        SysfsTree t = SysfsTree.create(root);
        t.pci("05:00.0").vendor(0x15b3).device(0x101e).klass(0x020000).pcie().driver("mlx5_core").iommuGroup(20).add();
        t.file("/proc/sys/kernel/osrelease", "6.8.0-test\n");
        t.file("/lib/modules/6.8.0-test/modules.alias",
                "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\nalias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n");
        return t;
    }

    @Test
    void aVariantDriverChosenFromModulesAliasIsLoadedToo(@TempDir(factory = TmpfsTempDir.class) Path other) {
        SysfsTree t = connectX(other);
        SimulatedKernel k = new SimulatedKernel(other).vfioDriver("mlx5_vfio_pci");
        PciAddress mlx = PciAddress.parse("05:00.0");
        BindResult plan = new DeviceBinder(t.sysfs(k), BindObserver.SILENT, "test", k::loadModule).detach(List.of(mlx), VFIO.withDryRun(true));
        assertTrue(plan.devices().get(0).warnings().contains("would load module mlx5_vfio_pci"), plan.devices().toString());
        BindResult r = new DeviceBinder(t.sysfs(k), BindObserver.SILENT, "test", k::loadModule).detach(List.of(mlx), VFIO);
        assertEquals(Outcome.DETACHED, r.devices().get(0).outcome());
        assertEquals(List.of("mlx5_vfio_pci", "vfio_iommu_type1"), k.modulesLoaded());
        assertEquals("mlx5_vfio_pci", k.currentDriver("0000:05:00.0").orElseThrow());
    }

    @Test
    void aVariantTheKernelCannotLoadPointsAtTheGenericDriver(@TempDir(factory = TmpfsTempDir.class) Path other) {
        SysfsTree t = connectX(other);
        SimulatedKernel k = new SimulatedKernel(other).moduleMissing("mlx5_vfio_pci");
        HostdevException e = assertThrows(HostdevException.class, () -> new DeviceBinder(t.sysfs(k), BindObserver.SILENT,
                "test", k::loadModule).detach(List.of(PciAddress.parse("05:00.0")), VFIO));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.hint().contains("--driver vfio-pci"), e.hint());
        assertEquals(List.of(), k.writes());
    }
}
