package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.cli.CliRun;
import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.cmdline.PreflightChecker;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'vm start' refuses a missing or wrong device before anything is changed or QEMU runs. */
class VmStartChecksTest {
    @TempDir
    Path root;

    SysfsTree tree;

    @BeforeEach
    void host() {
        tree = SysfsTree.create(root).pciDriver("vfio-pci").pciDriver("i40e");
        tree.pci("0000:00:1c.0").vendor(0x8086).device(0xa33c).rootPort().secondaryBus(3).driver("pcieport").iommuGroup(2).add();
        tree.pci("0000:03:00.0").parent("0000:00:1c.0").vendor(0x8086).device(0x1521).klass(0x020000).pcie()
                .driver("i40e").iommuGroup(9).add();
        tree.usb("1-2").vendor(0x046d).product(0xc52b).add();
    }

    private Path spec(String hostdevs) throws Exception {
        Path spec = root.resolve("vm.toml");
        Files.writeString(spec, "name = \"pf\"\nmemory = \"64M\"\naccel = \"tcg\"\n" + hostdevs);
        return spec;
    }

    private CliRun start(Path spec) {
        return CliRun.run("vm", "start", spec.toString(), "--root", root.toString());
    }

    private boolean qemuEverRan() {
        return Files.exists(root.resolve("run/hostdev/vms/pf/qemu.log"));
    }

    @Test
    void aMissingMandatoryUsbDeviceIsNamedBeforeQemuStarts() throws Exception {
        CliRun r = start(spec("[[hostdev]]\nusb = \"1234:5678\"\n"));
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("USB device 1234:5678 (") && r.err().contains("is missing, and its startup policy is mandatory"), r.err());
        assertTrue(r.err().contains("startup = \"optional\""), r.err());
        assertFalse(qemuEverRan());
    }

    @Test
    void aRequisiteUsbDeviceMissingIsRefusedToo() throws Exception {
        CliRun r = start(spec("[[hostdev]]\nusb = \"1-4\"\nstartup = \"requisite\"\n"));
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("USB device 1-4"), r.err());
    }

    @Test
    void aMissingOptionalUsbDeviceIsLeftOutOfTheCommandLine() throws Exception {
        VmSpec spec = VmSpecLoader.load(spec("[[hostdev]]\nusb = \"1234:5678\"\nstartup = \"optional\"\nid = \"dongle\"\n"
                + "[[hostdev]]\nusb = \"046d:c52b\"\nid = \"mouse\"\n"));
        LaunchOptions options = new LaunchOptions(root.resolve("vms"), false, Set.of(), true);
        LaunchPlan plan = LaunchPlanner.plan(spec, new SysfsPciFacts(tree.sysfs()), options);
        Set<String> omitted = new PreflightChecker(tree.sysfs()).check(plan).omitted();
        assertEquals(Set.of("dongle"), omitted);
        LaunchPlan again = LaunchPlanner.plan(spec, new SysfsPciFacts(tree.sysfs()), options.omitting(omitted));
        assertTrue(again.device("dongle").isEmpty());
        assertTrue(again.device("mouse").isPresent());
    }

    @Test
    void anAddressNamingAnotherDeviceThanExpectedIsRefused() throws Exception {
        CliRun r = start(spec("[[hostdev]]\npci = \"03:00.0\"\nexpect = \"8086:1572\"\n"));
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("0000:03:00.0 (") && r.err().contains("is 8086:1521, not the expected 8086:1572"), r.err());
        assertFalse(qemuEverRan());
    }

    @Test
    void anUnmanagedDeviceStillOnItsHostDriverIsRefused() throws Exception {
        CliRun r = start(spec("[[hostdev]]\npci = \"03:00.0\"\nmanaged = false\n"));
        assertEquals(11, r.exitCode(), r.err());
        assertTrue(r.err().contains("is unmanaged and on driver i40e, not vfio-pci"), r.err());
        assertTrue(r.err().contains("hostdev detach 0000:03:00.0"), r.err());
        assertFalse(qemuEverRan());
    }

    @Test
    void anAbsentPciDeviceIsNamed() throws Exception {
        CliRun r = start(spec("[[hostdev]]\npci = \"0000:05:00.0\"\n"));
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("no PCI device 0000:05:00.0 (") && r.err().contains("on this host"), r.err());
    }
}
