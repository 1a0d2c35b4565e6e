package dev.hostdev.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-device checks on the engine's sample workstation: a GPU with its HDMI audio in group 14 behind
 * root port 00:1c.0, an 82576 PF on a link below its maximum, e1000 04:01.0 sharing group 5 with
 * 04:02.0 behind a pcie-pci-bridge, a SATA controller, the boot VGA.
 */
class DeviceChecksTest {
    private static final String GPU = "0000:01:00.0";
    private static final String PF = "0000:02:00.0";
    private static final String LEGACY_NIC = "0000:04:01.0";
    private static final String SATA = "0000:00:1f.2";

    @TempDir
    Path tmp;

    private SysfsTree tree;

    @BeforeEach
    void workstation() {
        tree = SampleHosts.workstation(tmp);
    }

    private DoctorContext context() {
        return DoctorContext.of(new HostRoot(tmp));
    }

    private PciDevice device(String address) {
        return new PciInventory(context().sysfs()).find(PciAddress.parse(address));
    }

    private CheckResult run(DeviceCheck check, String address) {
        CheckResult r = check.run(context(), device(address));
        assertEquals(address, r.device());
        return r;
    }

    /** Puts AER at 0x100 and, if acsControl is non-negative, ACS at 0x140 into a bridge's config space. */
    private void extendedCaps(String bridge, int acsControl) throws IOException {
        Path config = tree.pciDeviceDir(bridge).resolve("config");
        byte[] c = Files.readAllBytes(config);
        assertEquals(4096, c.length, "a PCI Express port shows 4 KiB of config space to root");
        put32(c, 0x100, 0x0001 | 1 << 16 | (acsControl >= 0 ? 0x140 : 0) << 20);
        if (acsControl >= 0) {
            put32(c, 0x140, 0x000d | 1 << 16);
            put32(c, 0x144, 0x1f | acsControl << 16);
        }
        Files.write(config, c);
    }

    private static void put32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    @Test
    void groupWithAPeerOnAHostDriverIsNotViable() {
        CheckResult r = run(new GroupViabilityCheck(), GPU);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("0000:01:00.1") && r.found().contains("snd_hda_intel"), r.found());
        assertTrue(r.fix().startsWith("hostdev detach --group 0000:01:00.0"), r.fix());
    }

    @Test
    void groupIsViableWhenItsOtherMemberGoesToTheVmToo() {
        CheckResult r = new GroupViabilityCheck(java.util.Set.of(PciAddress.parse(GPU), PciAddress.parse("01:00.1")))
                .run(context(), device(GPU));
        assertEquals(CheckStatus.OK, r.status(), r.found());
        assertTrue(r.found().contains("once 0000:01:00.0 and 0000:01:00.1 are on vfio-pci"), r.found());
    }

    @Test
    void groupWithDriverlessPeerAndBridgeIsViable() {
        CheckResult r = run(new GroupViabilityCheck(), LEGACY_NIC);
        assertEquals(CheckStatus.OK, r.status(), r.found());
        assertTrue(r.found().contains("3 devices"), r.found());
    }

    @Test
    void deviceWithoutGroupFailsAndHasNoAcsToCheck() {
        tree.pci("0000:05:00.0").vendor(0x8086).device(0x10d3).klass(0x020000).driver("e1000e").add();
        assertEquals(CheckStatus.FAIL, run(new GroupViabilityCheck(), "0000:05:00.0").status());
        assertEquals(CheckStatus.NOT_APPLICABLE, run(new AcsCheck(), "0000:05:00.0").status());
    }

    @Test
    void groupOfTheSlotsOwnFunctionsNeedsNoAcs() {
        CheckResult r = run(new AcsCheck(), GPU);
        assertEquals(CheckStatus.OK, r.status());
        assertEquals("group 14 holds only this slot's functions", r.found());
    }

    @Test
    void largerGroupNamesTheBridgesWithoutAcs() {
        CheckResult r = run(new AcsCheck(), LEGACY_NIC);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().startsWith("group 5 also holds 0000:04:02.0; "), "bridges are not outsiders: " + r.found());
        assertTrue(r.found().contains("0000:00:1e.0 has no ACS capability"), r.found());
    }

    @Test
    void acsPresentButNotIsolatingShowsItsControl() throws IOException {
        extendedCaps("0000:00:1e.0", 0x01);
        CheckResult r = run(new AcsCheck(), LEGACY_NIC);
        assertTrue(r.found().contains("0000:00:1e.0 has ACS but control is 0x1 (SV, RR, CR, UF not all on)"), r.found());
    }

    @Test
    void isolatingAcsAboveLeavesTheConventionalBridgeToBlame() throws IOException {
        extendedCaps("0000:00:1e.0", 0x1d);
        CheckResult r = run(new AcsCheck(), LEGACY_NIC);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(!r.found().contains("0000:00:1e.0"), "the root port isolates: " + r.found());
        assertTrue(r.found().contains("0000:03:00.0"), "the pcie-pci-bridge has no ACS: " + r.found());
    }

    @Test
    void resetMethodsListedAreOk() {
        CheckResult r = run(new ResetMethodCheck(), PF);
        assertEquals(CheckStatus.OK, r.status());
        assertEquals("reset methods: flr bus", r.found());
    }

    @Test
    void oldKernelsResetFileIsOk() throws IOException {
        Files.writeString(tree.pciDeviceDir(SATA).resolve("reset"), "");
        assertEquals(CheckStatus.OK, run(new ResetMethodCheck(), SATA).status());
    }

    @Test
    void noResetWarnsThatReattachMayFail() {
        CheckResult r = run(new ResetMethodCheck(), SATA);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.fix().contains("reattach"), r.fix());
    }

    @Test
    void linkBelowItsMaximumWarns() {
        CheckResult r = run(new PcieLinkCheck(), PF);
        assertEquals(CheckStatus.WARN, r.status());
        assertEquals("link 2.5 GT/s PCIe x4 of 5.0 GT/s PCIe x4 (slower than it can run)", r.found());
    }

    @Test
    void narrowerLinkWarns() {
        tree.pci("0000:06:00.0").vendor(0x10de).device(0x2204).klass(0x030000).pcie().link("16.0 GT/s PCIe", 8)
                .maxLink("16.0 GT/s PCIe", 16).iommuGroup(30).add();
        CheckResult r = run(new PcieLinkCheck(), "0000:06:00.0");
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().endsWith("(narrower than it can run)"), r.found());
    }

    @Test
    void linkAtItsMaximumIsOk() {
        tree.pci("0000:06:00.0").vendor(0x10de).device(0x2204).klass(0x030000).pcie().link("16.0 GT/s PCIe", 16)
                .maxLink("16.0 GT/s PCIe", 16).iommuGroup(30).add();
        assertEquals(CheckStatus.OK, run(new PcieLinkCheck(), "0000:06:00.0").status());
    }

    @Test
    void conventionalPciHasNoLinkToCheck() {
        assertEquals(CheckStatus.NOT_APPLICABLE, run(new PcieLinkCheck(), LEGACY_NIC).status());
    }

    @Test
    void deviceNobodyUsesIsOk() {
        CheckResult r = run(new HostUseCheck(), LEGACY_NIC);
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("driver e1000"), r.found());
    }

    @Test
    void bootVgaWarns() {
        CheckResult r = run(new HostUseCheck(), "0000:00:02.0");
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("0000:00:02.0"), r.found());
    }

    @Test
    void deviceHeldByARunningQemuWarnsNamingIt() throws IOException {
        Path cmdline = tmp.resolve("proc/4242/cmdline");
        Files.createDirectories(cmdline.getParent());
        Files.write(cmdline, String.join("\0", "/usr/bin/qemu-system-x86_64", "-name", "router", "-device",
                "vfio-pci,host=0000:04:01.0,id=hostdev0", "").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        CheckResult r = run(new HostUseCheck(), LEGACY_NIC);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("QEMU pid 4242"), r.found());
        assertTrue(r.fix().startsWith("stop the VM"), r.fix());
    }

    @Test
    void unreadableExtendedConfigSpaceIsSaid() throws IOException {
        Files.write(tree.pciDeviceDir("0000:00:1e.0").resolve("config"), new byte[64]);
        CheckResult r = run(new AcsCheck(), LEGACY_NIC);
        assertTrue(r.found().contains("0000:00:1e.0: extended config space not readable (run as root)"), r.found());
    }

    @Test
    void controllerOfTheRootDiskFails() throws IOException {
        Path block = tree.pciDeviceDir(SATA).resolve("ata1/host0/target0:0:0/0:0:0:0/block/sda");
        Files.createDirectories(block.resolve("sda1"));
        Files.writeString(block.resolve("dev"), "8:0\n");
        Files.writeString(block.resolve("sda1/dev"), "8:1\n");
        Files.writeString(block.resolve("sda1/partition"), "1\n");
        Files.createDirectories(tmp.resolve("sys/block"));
        Files.createSymbolicLink(tmp.resolve("sys/block/sda"), block);
        Files.createDirectories(tmp.resolve("sys/class/block"));
        Files.createSymbolicLink(tmp.resolve("sys/class/block/sda"), block);
        Files.createSymbolicLink(tmp.resolve("sys/class/block/sda1"), block.resolve("sda1"));
        tree.file("/proc/mounts", "/dev/sda1 / ext4 rw,relatime 0 0\n");
        CheckResult r = run(new HostUseCheck(), SATA);
        assertEquals(CheckStatus.FAIL, r.status(), r.found());
        assertTrue(r.fix().contains("root filesystem"), r.fix());
    }
}
