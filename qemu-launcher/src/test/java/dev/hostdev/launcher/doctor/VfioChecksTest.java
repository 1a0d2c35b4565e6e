package dev.hostdev.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.sysfs.Errno;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VfioChecksTest {
    private static final String RELEASE = "6.1.0-56-amd64";
    private static final String MODULES = "/lib/modules/" + RELEASE;

    @TempDir
    Path tmp;

    @AfterEach
    void removeLinksOutOfTheTree() {
        FakeHost.removeOutwardLinks(tmp);
    }

    private FakeHost kernel() {
        return new FakeHost(tmp).file("/proc/sys/kernel/osrelease", RELEASE + "\n");
    }

    private FakeHost installed() {
        return kernel().file(MODULES + "/modules.dep",
                "kernel/drivers/vfio/vfio.ko.xz:\n"
                        + "kernel/drivers/vfio/vfio_iommu_type1.ko.xz: kernel/drivers/vfio/vfio.ko.xz\n"
                        + "kernel/drivers/vfio/pci/vfio-pci.ko.xz: kernel/drivers/vfio/pci/vfio-pci-core.ko.xz\n")
                .file(MODULES + "/modules.builtin", "kernel/drivers/pci/pci-stub.ko\n");
    }

    @Test
    void loadedModulesAreOk() {
        FakeHost h = installed().file("/proc/modules",
                "vfio_pci 16384 0 - Live 0x0\nvfio_pci_core 69632 1 vfio_pci, Live 0x0\n"
                        + "vfio_iommu_type1 45056 0 - Live 0x0\nvfio 45056 2 vfio_pci_core,vfio_iommu_type1, Live 0x0\n");
        CheckResult r = new VfioModulesCheck().run(h.context());
        assertEquals(CheckStatus.OK, r.status(), r.found());
        assertEquals("vfio loaded, vfio_pci loaded, vfio_iommu_type1 loaded (kernel " + RELEASE + ")", r.found());
    }

    @Test
    void liveEntriesInSysModuleCountAsLoaded() {
        FakeHost h = installed();
        for (String m : List.of("vfio", "vfio_pci", "vfio_iommu_type1")) {
            h.file("/sys/module/" + m + "/initstate", "live\n");
        }
        assertEquals(CheckStatus.OK, new VfioModulesCheck().run(h.context()).status());
    }

    @Test
    void builtinModulesAreOk() {
        FakeHost h = kernel().file(MODULES + "/modules.builtin",
                "kernel/drivers/vfio/vfio.ko\nkernel/drivers/vfio/vfio_iommu_type1.ko\nkernel/drivers/vfio/pci/vfio-pci.ko\n");
        CheckResult r = new VfioModulesCheck().run(h.context());
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("vfio_pci builtin"), r.found());
    }

    @Test
    void installedButNotLoadedWarnsWithModprobe() {
        CheckResult r = new VfioModulesCheck().run(installed().context());
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("vfio_pci loadable"), r.found());
        assertTrue(r.fix().startsWith("modprobe vfio-pci"), r.fix());
    }

    @Test
    void noModulesForTheRunningKernelFail() {
        CheckResult r = new VfioModulesCheck().run(kernel().context());
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(r.found().contains("no " + MODULES), r.found());
    }

    @Test
    void moduleNamesCompareDashesAndUnderscoresAlike() {
        assertEquals("vfio_pci", ModuleTables.moduleName("kernel/drivers/vfio/pci/vfio-pci.ko.zst"));
        assertEquals("vfio", ModuleTables.moduleName("kernel/drivers/vfio/vfio.ko"));
    }

    @Test
    void containerNodePresentIsOk() {
        FakeHost h = installed().charDevice("/dev/vfio/vfio");
        CheckResult r = new VfioContainerCheck().run(h.context());
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("rw-rw-rw-"), r.found());
    }

    @Test
    void containerNodeMissingWithLoadableVfioWarns() {
        CheckResult r = new VfioContainerCheck().run(installed().context());
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.fix().contains("modprobe vfio-pci"), r.fix());
    }

    @Test
    void containerNodeMissingWithVfioLoadedFails() {
        FakeHost h = installed().file("/proc/modules", "vfio 45056 0 - Live 0x0\n");
        CheckResult r = new VfioContainerCheck().run(h.context());
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(r.fix().contains("devtmpfs"), r.fix());
    }

    @Test
    void containerNodeMissingWithoutVfioFails() {
        assertEquals(CheckStatus.FAIL, new VfioContainerCheck().run(kernel().context()).status());
    }

    @Test
    void containerNodeThatIsAFileFails() {
        FakeHost h = installed().file("/dev/vfio/vfio", "");
        assertEquals(CheckStatus.FAIL, new VfioContainerCheck().run(h.context()).status());
    }

    @Test
    void apiIsNotAskedOfAFakeTree() {
        FakeHost h = installed().charDevice("/dev/vfio/vfio");
        assertEquals(CheckStatus.NOT_APPLICABLE, new VfioApiCheck().run(h.context()).status());
    }

    @Test
    void apiVersionZeroWithType1v2IsOkAndTheProbeGetsTheNode() {
        FakeHost h = installed().charDevice("/dev/vfio/vfio");
        List<Path> asked = new ArrayList<>();
        VfioProbe probe = node -> {
            asked.add(node);
            return new VfioProbe.Answer.Version(0, true);
        };
        CheckResult r = new VfioApiCheck().run(h.context().withVfioProbe(probe));
        assertEquals(CheckStatus.OK, r.status());
        assertEquals(List.of(tmp.resolve("dev/vfio/vfio")), asked);
    }

    @Test
    void apiWithoutType1v2Fails() {
        FakeHost h = installed().charDevice("/dev/vfio/vfio");
        CheckResult r = new VfioApiCheck().run(h.context().withVfioProbe(n -> new VfioProbe.Answer.Version(0, false)));
        assertEquals(CheckStatus.FAIL, r.status());
        assertEquals("modprobe vfio_iommu_type1", r.fix());
    }

    @Test
    void unexpectedApiVersionFails() {
        FakeHost h = installed().charDevice("/dev/vfio/vfio");
        assertEquals(CheckStatus.FAIL, new VfioApiCheck()
                .run(h.context().withVfioProbe(n -> new VfioProbe.Answer.Version(1, true))).status());
    }

    @Test
    void permissionDeniedWarnsToRunAsQemusUser() {
        FakeHost h = installed().charDevice("/dev/vfio/vfio");
        CheckResult r = new VfioApiCheck()
                .run(h.context().withVfioProbe(n -> new VfioProbe.Answer.Error("open", Errno.EACCES)));
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().startsWith("open on /dev/vfio/vfio failed"), r.found());
    }

    @Test
    void apiWithoutContainerNodeIsNotApplicable() {
        CheckResult r = new VfioApiCheck().run(installed().context()
                .withVfioProbe(n -> { throw new AssertionError("must not be asked"); }));
        assertEquals(CheckStatus.NOT_APPLICABLE, r.status());
    }

    @Test
    void ioctlNumbersMatchLinuxVfioH() {
        // _IO(';', 100) and _IO(';', 101): type ';' (0x3b) in bits 8-15, number in bits 0-7.
        assertEquals((0x3b << 8) | 100, NativeVfioProbe.VFIO_GET_API_VERSION);
        assertEquals((0x3b << 8) | 101, NativeVfioProbe.VFIO_CHECK_EXTENSION);
    }
}
