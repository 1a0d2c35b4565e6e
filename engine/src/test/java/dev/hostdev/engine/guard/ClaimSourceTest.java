package dev.hostdev.engine.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claim sources beyond /proc and libvirt (the launcher's own VM records): consulted by every HostGuard, first, with
 * their fix in the refusal; a device they claim is not claimed twice by the /proc scan of the same QEMU.
 */
class ClaimSourceTest {
    static final PciAddress GPU = PciAddress.parse("01:00.0");
    static final PciAddress HOTPLUGGED = PciAddress.parse("04:01.0");

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;

    @Test
    void aSourcesClaimComesFirstWithItsFixAndReplacesTheProcessScansClaimOfTheSameDevice() {
        SysfsTree tree = SampleHosts.workstation(dir);
        tree.file("/proc/100/cmdline", String.join("\0", "qemu-system-x86_64", "-name", "guest=web",
                "-device", "vfio-pci,host=0000:01:00.0,id=hostdev0") + "\0");
        ClaimSource records = devices -> List.of(
                new Claim(GPU, "VM web (Hostdev, QEMU pid 100) as device hostdev0", "stop the VM first: hostdev vm stop web"),
                new Claim(HOTPLUGGED, "VM web (Hostdev, QEMU pid 100) as device hp1, hotplugged", "unplug it first: hostdev unplug web hp1"),
                new Claim(PciAddress.parse("00:14.0"), "asked about something else", null));
        HostGuard guard = new HostGuard(tree.sysfs(), Set::of, List.of(records));
        List<Claim> claims = guard.claims(List.of(GPU, HOTPLUGGED));
        assertEquals(List.of(GPU, HOTPLUGGED), claims.stream().map(Claim::device).toList(), "one claim per device, the source's: " + claims);
        HostdevException e = assertThrows(HostdevException.class, () -> guard.checkClaims(List.of(HOTPLUGGED)));
        assertEquals(ErrorCode.BUSY, e.code());
        assertEquals("0000:04:01.0 is in use by VM web (Hostdev, QEMU pid 100) as device hp1, hotplugged", e.getMessage());
        assertEquals("unplug it first: hostdev unplug web hp1", e.hint());
    }

    @Test
    void withoutSourcesTheProcessScanStillNamesTheQemu() {
        SysfsTree tree = SampleHosts.workstation(dir);
        tree.file("/proc/100/cmdline", String.join("\0", "qemu-system-x86_64", "-device", "vfio-pci,host=0000:01:00.0") + "\0");
        HostGuard guard = new HostGuard(tree.sysfs(), Set::of, List.of());
        assertEquals(List.of(new Claim(GPU, "QEMU pid 100 (qemu-system-x86_64)")), guard.claims(List.of(GPU)));
    }
}
