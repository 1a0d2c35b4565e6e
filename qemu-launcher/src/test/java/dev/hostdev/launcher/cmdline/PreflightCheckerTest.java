package dev.hostdev.launcher.cmdline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.spec.Specs;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightCheckerTest {
    @TempDir
    Path root;
    SysfsTree tree;

    @BeforeEach
    void host() {
        tree = SysfsTree.create(root).pciDriver("ixgbe").pciDriver("vfio-pci")
                .pci("0000:03:00.0").vendor(0x8086).device(0x1572).subsystem(0x8086, 0x0008).pcie().driver("ixgbe").iommuGroup(12).add()
                .pci("0000:04:00.0").vendor(0x10de).device(0x1b80).pcie().driver("vfio-pci").iommuGroup(13).add()
                .usb("1-2").vendor(0x046d).product(0xc52b).add()
                .usb("1-3").vendor(0x0781).product(0x5581).add()
                .usb("1-4").vendor(0x0781).product(0x5581).add();
    }

    private PreflightReport check(String spec) {
        LaunchPlan plan = LaunchPlanner.plan(Specs.parse("name = \"vm\"\naccel = \"tcg\"\n" + spec), new SysfsPciFacts(tree.sysfs()),
                new LaunchOptions(Path.of("/run/hostdev/vms"), false, Set.of(), false));
        // QEMU's devices are checked in their own test: these run without QEMU too.
        return new PreflightChecker(tree.sysfs()).check(plan.checks().stream()
                .filter(c -> !(c instanceof PreflightCheck.QemuDevices)).toList());
    }

    @Test
    void qemuMustKnowEveryDevice() {
        org.junit.jupiter.api.Assumptions.assumeTrue(QemuCapabilities.resolve(Path.of("qemu-system-x86_64")).isPresent(),
                "qemu-system-x86_64 not installed");
        PreflightChecker checker = new PreflightChecker(tree.sysfs());
        Path qemu = Path.of("qemu-system-x86_64");
        assertTrue(checker.check(List.of(new PreflightCheck.QemuDevices(qemu, new java.util.TreeSet<>(Set.of("vfio-pci", "e1000e"))))).ok());
        HostdevException e = onlyProblem(checker.check(List.of(new PreflightCheck.QemuDevices(qemu,
                new java.util.TreeSet<>(Set.of("vfio-pci", "e1000zz"))))));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains("has no device e1000zz"), e.getMessage());
        HostdevException absent = onlyProblem(checker.check(List.of(new PreflightCheck.QemuDevices(root.resolve("no-qemu"),
                new java.util.TreeSet<>(Set.of("vfio-pci"))))));
        assertEquals(ErrorCode.ENVIRONMENT, absent.code());
    }

    private static HostdevException onlyProblem(PreflightReport r) {
        assertEquals(1, r.problems().size(), r.problems().toString());
        return r.problems().get(0).error();
    }

    @Test
    void presentDevicesWithTheirIdsPass() {
        PreflightReport r = check("""
                [[hostdev]]
                pci = "03:00.0"
                expect = "8086:1572:8086:0008"
                [[hostdev]]
                pci = "04:00.0"
                managed = false
                [[hostdev]]
                usb = "046d:c52b"
                [[hostdev]]
                usb = "1-3"
                """);
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(4, r.passed().size());
        r.throwIfFailed();
    }

    @Test
    void aDifferentDeviceAtTheAddressIsRefused() {
        HostdevException e = onlyProblem(check("[[hostdev]]\npci = \"03:00.0\"\nexpect = \"8086:1583\"\n"));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertEquals("0000:03:00.0 (hostdev0) is 8086:1572, not the expected 8086:1583: refusing to give the VM another device than the spec names",
                e.getMessage());
        HostdevException sub = onlyProblem(check("[[hostdev]]\npci = \"03:00.0\"\nexpect = \"8086:1572:8086:0001\"\n"));
        assertTrue(sub.getMessage().contains("is 8086:1572:8086:0008, not the expected 8086:1572:8086:0001"), sub.getMessage());
    }

    @Test
    void absentPciDevice() {
        HostdevException e = onlyProblem(check("[[hostdev]]\npci = \"05:00.0\"\n"));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertEquals("no PCI device 0000:05:00.0 (hostdev0) on this host", e.getMessage());
    }

    @Test
    void unmanagedDeviceMustAlreadyBeOnVfio() {
        HostdevException e = onlyProblem(check("[[hostdev]]\npci = \"03:00.0\"\nmanaged = false\n"));
        assertEquals(ErrorCode.STATE, e.code());
        assertEquals("0000:03:00.0 (hostdev0) is unmanaged and on driver ixgbe, not vfio-pci or a VFIO variant driver", e.getMessage());
        assertTrue(e.hint().contains("hostdev detach 0000:03:00.0"), e.hint());
    }

    @Test
    void anUnmanagedDeviceOnAVfioVariantDriverPasses() {
        tree.pciDriver("mlx5_vfio_pci")
                .pci("0000:05:00.0").vendor(0x15b3).device(0x101e).pcie().driver("mlx5_vfio_pci").iommuGroup(14).add()
                .file("/proc/sys/kernel/osrelease", "6.8.0-test\n")
                .file("/lib/modules/6.8.0-test/modules.alias",
                        "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\n");
        PreflightReport r = check("[[hostdev]]\npci = \"05:00.0\"\nmanaged = false\n");
        assertTrue(r.ok(), r.problems().toString());
        HostdevException e = onlyProblem(check("[[hostdev]]\npci = \"03:00.0\"\nmanaged = false\n"));
        assertEquals(ErrorCode.STATE, e.code(), "ixgbe is no VFIO driver: " + e.getMessage());
    }

    @Test
    void usbStartupPolicies() {
        HostdevException mandatory = onlyProblem(check("[[hostdev]]\nusb = \"1-9\"\n"));
        assertEquals(ErrorCode.NOT_FOUND, mandatory.code());
        assertEquals("USB device 1-9 (hostdev0) is missing, and its startup policy is mandatory", mandatory.getMessage());
        assertTrue(mandatory.hint().contains("startup = \"optional\""), mandatory.hint());
        assertEquals(1, check("[[hostdev]]\nusb = \"dead:beef\"\nstartup = \"requisite\"\n").problems().size());

        PreflightReport optional = check("[[hostdev]]\nusb = \"dead:beef\"\nstartup = \"optional\"\n[[hostdev]]\nusb = \"046d:c52b\"\n");
        assertTrue(optional.ok());
        assertEquals(Set.of("hostdev0"), optional.omitted());

        HostdevException twoSticks = onlyProblem(check("[[hostdev]]\nusb = \"0781:5581\"\nstartup = \"optional\"\n"));
        assertEquals(ErrorCode.USAGE, twoSticks.code(), "two devices match: even optional, name one by its port");
    }

    @Test
    void filesTheCommandLineNames() throws IOException {
        Path kernel = Files.writeString(root.resolve("vmlinuz"), "k");
        PreflightReport r = check("kernel = \"" + kernel + "\"\ninitrd = \"" + root.resolve("none.img") + "\"\n[[share]]\npath = \""
                + kernel + "\"\ntag = \"t\"\n");
        assertEquals(2, r.problems().size());
        assertEquals("initrd " + root.resolve("none.img") + " does not exist or cannot be read", r.problems().get(0).error().getMessage());
        assertEquals("share t " + kernel + " is not a directory", r.problems().get(1).error().getMessage());
        HostdevException all = assertThrows(HostdevException.class, r::throwIfFailed);
        assertTrue(all.getMessage().contains("(and 1 more: share t"), all.getMessage());
        assertEquals(List.of("kernel"), r.passed().stream().map(c -> ((PreflightCheck.HostPath) c).what()).toList());
    }
}
