package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.bind.ModuleLoader;
import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostdev detach} on a host where vfio-pci is not loaded yet. */
class ModuleLoadingCommandTest {
    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    SimulatedKernel kernel;
    private Function<HostRoot, AttributeWriter> savedKernel;
    private Function<HostRoot, ModuleLoader> savedModules;

    @BeforeEach
    void setUp() {
        SampleHosts.workstation(dir);
        kernel = new SimulatedKernel(dir);
        savedKernel = DetachCommandSupport.kernel;
        savedModules = DetachCommandSupport.modules;
        DetachCommandSupport.kernel = r -> kernel;
    }

    @AfterEach
    void restore() {
        DetachCommandSupport.kernel = savedKernel;
        DetachCommandSupport.modules = savedModules;
    }

    @Test
    void dryRunSaysItWouldLoadTheModule() {
        CliRun r = CliRun.run("detach", "--root", dir.toString(), "--group", "--dry-run", "04:01.0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("# 0000:04:01.0: would load module vfio-pci\n"), r.out());
        assertTrue(r.out().contains("write /sys/bus/pci/devices/0000:04:01.0/driver_override vfio-pci\n"), r.out());
        assertEquals(List.of(), kernel.modulesLoaded());
    }

    @Test
    void detachLoadsTheModuleThenBinds() {
        DetachCommandSupport.modules = r -> kernel::loadModule;
        CliRun r = CliRun.run("detach", "--root", dir.toString(), "-v", "--group", "04:01.0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("# loading module vfio-pci\n"), r.out());
        assertTrue(r.out().contains("0000:04:01.0: detached from e1000 to vfio-pci"), r.out());
        assertEquals(List.of("vfio-pci", "vfio_iommu_type1"), kernel.modulesLoaded());
    }

    @Test
    void underATestRootTheRealModprobeIsNeverRun() {
        CliRun r = CliRun.run("detach", "--root", dir.toString(), "--group", "04:01.0");
        assertEquals(12, r.exitCode(), r.err());
        assertTrue(r.err().contains("Hostdev loads modules only for the real host (--root /)"), r.err());
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void vmStartDryRunFindsTheDeviceBySelectorAndLoadsNothing() throws Exception {
        Path runDir = dir.resolve("vms");
        java.nio.file.Files.createDirectories(runDir);
        Path spec = dir.resolve("nic.toml");
        java.nio.file.Files.writeString(spec, """
                name = "nic-vm"
                accel = "tcg"
                [[hostdev]]
                path = "pci0000:00/1e.0/00.0/01.0"
                expect = "8086:100e"
                """);
        CliRun r = CliRun.run("--run-dir", runDir.toString(), "vm", "start", spec.toString(), "--dry-run", "--root", dir.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("write /sys/bus/pci/devices/0000:04:01.0/driver_override vfio-pci"), r.out());
        assertTrue(r.out().contains("0000:04:01.0: would load module vfio-pci"), "the dry run says what it would load: " + r.out());
        assertEquals(List.of(), kernel.modulesLoaded());
    }
}
