package dev.hostdev.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.pci.PciAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceChecksTest {
    private static final PciAddress NIC = PciAddress.parse("0000:03:00.0");
    private static final String PORT = "0000:00:1c.0";

    @TempDir
    Path tmp;

    /** A root port 00:1c.0 and a NIC 03:00.0 behind it, each in its own group. */
    private FakeHost isolated() {
        return new FakeHost(tmp)
                .pci(PORT, "", "0x060400", "pcieport", "10")
                .pci("0000:03:00.0", PORT, "0x020000", "e1000e", "11");
    }

    /** The NIC shares group 11 with an audio function of another slot, behind the same port. */
    private FakeHost shared(String peerDriver) {
        return isolated().pci("0000:03:01.0", PORT, "0x040300", peerDriver, "11");
    }

    /** 4 KiB of config space with AER at 0x100 and, if acsControl is non-negative, ACS at 0x140. */
    private static byte[] config(int acsControl) {
        byte[] c = new byte[4096];
        put32(c, 0x100, 0x0001 | 1 << 16 | (acsControl >= 0 ? 0x140 : 0) << 20);
        if (acsControl >= 0) {
            put32(c, 0x140, 0x000d | 1 << 16);
            put32(c, 0x144, 0x1f | acsControl << 16);
        }
        return c;
    }

    private static void put32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    @Test
    void groupOfOneIsViable() {
        CheckResult r = new GroupViabilityCheck().run(isolated().context(), NIC);
        assertEquals(CheckStatus.OK, r.status());
        assertEquals("0000:03:00.0", r.device());
        assertEquals("group 11 (1 device) is viable", r.found());
    }

    @Test
    void peerOnAHostDriverMakesTheGroupNotViable() {
        CheckResult r = new GroupViabilityCheck().run(shared("snd_hda_intel").context(), NIC);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("0000:03:01.0 (snd_hda_intel)"), r.found());
        assertTrue(r.fix().startsWith("hostdev detach --group 0000:03:00.0"), r.fix());
    }

    @Test
    void peersOnVfioOrWithoutDriverOrBridgesAreFine() {
        FakeHost h = shared("vfio-pci").pci("0000:03:02.0", PORT, "0x040300", null, "11")
                .pci("0000:03:03.0", PORT, "0x060400", "pcieport", "11");
        CheckResult r = new GroupViabilityCheck().run(h.context(), NIC);
        assertEquals(CheckStatus.OK, r.status(), r.found());
        assertEquals("group 11 (4 devices) is viable", r.found());
    }

    @Test
    void deviceWithoutGroupFails() {
        FakeHost h = new FakeHost(tmp).pci("0000:03:00.0", "", "0x020000", "e1000e", null);
        assertEquals(CheckStatus.FAIL, new GroupViabilityCheck().run(h.context(), NIC).status());
        assertEquals(CheckStatus.NOT_APPLICABLE, new AcsCheck().run(h.context(), NIC).status());
    }

    @Test
    void groupOfTheSlotsOwnFunctionsNeedsNoAcs() {
        FakeHost h = isolated().pci("0000:03:00.1", PORT, "0x040300", "snd_hda_intel", "11");
        CheckResult r = new AcsCheck().run(h.context(), NIC);
        assertEquals(CheckStatus.OK, r.status());
    }

    @Test
    void largerGroupBehindAPortWithoutAcsNamesThePort() {
        FakeHost h = shared("snd_hda_intel");
        h.bytes(h.pciDir(PORT) + "/config", config(-1));
        CheckResult r = new AcsCheck().run(h.context(), NIC);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("also holds 0000:03:01.0; 0000:00:1c.0 has no ACS capability"), r.found());
    }

    @Test
    void largerGroupBehindAPortWithAcsDisabledShowsTheControl() {
        FakeHost h = shared("snd_hda_intel");
        h.bytes(h.pciDir(PORT) + "/config", config(0x01));
        CheckResult r = new AcsCheck().run(h.context(), NIC);
        assertTrue(r.found().contains("0000:00:1c.0 has ACS but control is 0x1"), r.found());
    }

    @Test
    void largerGroupBehindAnIsolatingPortBlamesTheDevice() {
        FakeHost h = shared("snd_hda_intel");
        h.bytes(h.pciDir(PORT) + "/config", config(0x1d));
        CheckResult r = new AcsCheck().run(h.context(), NIC);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("every bridge above it has ACS enabled"), r.found());
    }

    @Test
    void shortConfigSpaceIsReportedAsUnreadable() {
        FakeHost h = shared("snd_hda_intel");
        h.bytes(h.pciDir(PORT) + "/config", new byte[64]);
        assertTrue(new AcsCheck().run(h.context(), NIC).found().contains("not readable"));
    }

    @Test
    void resetMethodListedIsOk() {
        FakeHost h = isolated();
        h.file(h.pciDir("0000:03:00.0") + "/reset_method", "flr bus\n");
        CheckResult r = new ResetMethodCheck().run(h.context(), NIC);
        assertEquals(CheckStatus.OK, r.status());
        assertEquals("reset methods: flr bus", r.found());
    }

    @Test
    void oldKernelsResetFileIsOk() {
        FakeHost h = isolated();
        h.file(h.pciDir("0000:03:00.0") + "/reset", "");
        assertEquals(CheckStatus.OK, new ResetMethodCheck().run(h.context(), NIC).status());
    }

    @Test
    void noResetWarnsThatReattachMayFail() {
        CheckResult r = new ResetMethodCheck().run(isolated().context(), NIC);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.fix().contains("reattach"), r.fix());
    }

    @Test
    void linkAtFullSpeedIsOk() {
        FakeHost h = link("8.0 GT/s PCIe", "4", "8.0 GT/s PCIe", "4");
        assertEquals(CheckStatus.OK, new PcieLinkCheck().run(h.context(), NIC).status());
    }

    @Test
    void slowerOrNarrowerLinkWarns() {
        CheckResult slow = new PcieLinkCheck().run(link("2.5 GT/s PCIe", "16", "16.0 GT/s PCIe", "16").context(), NIC);
        assertEquals(CheckStatus.WARN, slow.status());
        assertEquals("link 2.5 GT/s PCIe x16 of 16.0 GT/s PCIe x16 (slower than it can run)", slow.found());
    }

    @Test
    void narrowerLinkWarns() {
        CheckResult r = new PcieLinkCheck().run(link("8.0 GT/s PCIe", "4", "8.0 GT/s PCIe", "16").context(), NIC);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().endsWith("(narrower than it can run)"), r.found());
    }

    @Test
    void noLinkAttributesIsNotApplicable() {
        assertEquals(CheckStatus.NOT_APPLICABLE, new PcieLinkCheck().run(isolated().context(), NIC).status());
    }

    private FakeHost link(String speed, String width, String maxSpeed, String maxWidth) {
        FakeHost h = isolated();
        String d = h.pciDir("0000:03:00.0");
        return h.file(d + "/current_link_speed", speed).file(d + "/current_link_width", width)
                .file(d + "/max_link_speed", maxSpeed).file(d + "/max_link_width", maxWidth);
    }

    @Test
    void deviceNobodyUsesIsOk() {
        CheckResult r = new HostUseCheck().run(isolated().context(), NIC);
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("driver e1000e"), r.found());
    }

    @Test
    void interfaceThatIsUpWarns() {
        FakeHost h = isolated();
        h.dir(h.pciDir("0000:03:00.0") + "/net/enp3s0").file("/sys/class/net/enp3s0/operstate", "up\n");
        CheckResult r = new HostUseCheck().run(h.context(), NIC);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("network interface enp3s0 is up"), r.found());
    }

    @Test
    void rootDiskBehindAVirtioChildFails() {
        FakeHost h = isolated();
        h.dir(h.pciDir("0000:03:00.0") + "/virtio1/block/vda").dir("/sys/class/block/vda")
                .file("/proc/mounts", "/dev/vda / ext4 rw 0 0\n");
        CheckResult r = new HostUseCheck().run(h.context(), NIC);
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(r.found().contains("/dev/vda holds the root filesystem"), r.found());
    }

    @Test
    void partitionHeldByDeviceMapperWarns() {
        FakeHost h = isolated();
        h.dir(h.pciDir("0000:03:00.0") + "/nvme/nvme0/nvme0n1").dir(h.pciDir("0000:03:00.0") + "/block/nvme0n1")
                .dir("/sys/class/block/nvme0n1/nvme0n1p2/holders/dm-0");
        CheckResult r = new HostUseCheck().run(h.context(), NIC);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("/dev/nvme0n1p2 is held by dm-0"), r.found());
    }

    @Test
    void bootVgaWarns() {
        FakeHost h = isolated();
        h.file(h.pciDir("0000:03:00.0") + "/boot_vga", "1\n");
        assertTrue(new HostUseCheck().run(h.context(), NIC).found().contains("boot VGA"));
    }
}
