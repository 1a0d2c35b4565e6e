package dev.hostdev.engine.bind;

import static dev.hostdev.engine.bind.Bench.devices;
import static dev.hostdev.engine.bind.Bench.vfio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detach on an Intel VMD tree: drives behind VMD are never moved one by one, and the controller takes them along. */
class VmdDetachTest {
    static final PciAddress VMD = PciAddress.parse("0000:00:0e.0");
    static final PciAddress DRIVE1 = PciAddress.parse("10000:01:00.0");
    static final PciAddress DRIVE2 = PciAddress.parse("10000:02:00.0");

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    Bench bench;

    @BeforeEach
    void setUp() {
        bench = Bench.vmd(dir);
    }

    private HostdevException refused(List<PciAddress> devices, DetachOptions options) {
        HostdevException e = assertThrows(HostdevException.class, () -> bench.binder.detach(devices, options));
        assertEquals(List.of(), bench.kernel.writes(), "refused before any write");
        return e;
    }

    @Test
    void aDriveBehindVmdIsRefusedWithItsControllerNamedInDryRunAndForReal() {
        for (DetachOptions o : List.of(vfio().withWholeGroup(true).withDryRun(true), vfio().withWholeGroup(true),
                vfio().withDryRun(true), vfio())) {
            HostdevException e = refused(devices(DRIVE1), o);
            assertEquals(ErrorCode.USAGE, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("10000:01:00.0 is behind 0000:00:0e.0 (Intel VMD)"), e.getMessage());
            assertEquals("0000:00:0e.0 (Intel VMD) owns domain 10000; its drives cannot be given to"
                    + " a VM one by one: detach the VMD controller 0000:00:0e.0 itself (every drive behind it goes with"
                    + " it; none may hold a host filesystem)", e.hint());
        }
    }

    @Test
    void theControllerGoesAloneItsDomainVanishesWithItAndNothingIsWrittenToIt() {
        for (DetachOptions o : List.of(vfio().withDryRun(true), vfio().withWholeGroup(true).withDryRun(true))) {
            BindResult r = bench.binder.detach(devices(VMD), o);
            List<String> writes = r.devices().stream().flatMap(d -> d.writes().stream()).map(SysfsWrite::describe).toList();
            assertEquals(List.of(
                    "write /sys/bus/pci/devices/0000:00:0e.0/driver_override vfio-pci",
                    "write /sys/bus/pci/drivers/vmd/unbind 0000:00:0e.0",
                    "write /sys/bus/pci/drivers_probe 0000:00:0e.0"), writes, "nothing written in domain 10000");
            List<String> warnings = r.devices().stream().flatMap(d -> d.warnings().stream()).toList();
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith("10000:01:00.0 is behind 0000:00:0e.0 (Intel VMD)")),
                    warnings.toString());
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith("10000:02:00.0 is behind 0000:00:0e.0")), warnings.toString());
        }
    }

    @Test
    void theControllerIsRefusedWhileADriveBehindItHoldsTheRootFilesystem() throws IOException {
        Path d = bench.tree.pciDeviceDir(DRIVE2.toString()).resolve("nvme/nvme0/nvme0n1");
        Files.createDirectories(d.resolve("holders"));
        Files.createDirectories(d.resolve("nvme0n1p1/holders"));
        Files.writeString(d.resolve("nvme0n1p1/partition"), "1\n");
        Files.createDirectories(bench.tree.sysPath("block"));
        Files.createDirectories(bench.tree.sysPath("class/block"));
        Files.createSymbolicLink(bench.tree.sysPath("block/nvme0n1"), bench.tree.sysPath("block").relativize(d));
        Files.createSymbolicLink(bench.tree.sysPath("class/block/nvme0n1"), bench.tree.sysPath("class/block").relativize(d));
        Files.createSymbolicLink(bench.tree.sysPath("class/block/nvme0n1p1"),
                bench.tree.sysPath("class/block").relativize(d.resolve("nvme0n1p1")));
        bench.tree.file("/proc/mounts", "/dev/nvme0n1p1 / ext4 rw 0 0\n");
        for (DetachOptions o : List.of(vfio().withDryRun(true), vfio().withForce(true))) {
            HostdevException e = refused(devices(VMD), o);
            assertEquals(ErrorCode.HOST_IN_USE, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("root filesystem"), e.getMessage());
        }
    }
}
