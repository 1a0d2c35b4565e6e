package dev.hostdev.engine.guard;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guard read-only against the machine running the tests: the PCI device of the root disk must be
 * reported as used by the host. Any write through this Sysfs fails the test (there must be none).
 */
class RealHostGuardTest {
    @Test
    void theRootDiskOfThisMachineIsReportedAsUsed() throws Exception {
        Path mounts = Path.of("/proc/mounts");
        assumeTrue(Files.isReadable(mounts), "no /proc/mounts");
        String rootSource = Files.readAllLines(mounts).stream().map(l -> l.split(" "))
                .filter(f -> f.length > 2 && f[1].equals("/")).map(f -> f[0]).reduce((a, b) -> b).orElse("");
        assumeTrue(rootSource.startsWith("/dev/"), "the root filesystem is not on a block device: " + rootSource);
        Sysfs sysfs = new Sysfs(HostRoot.system(), (path, value) -> {
            throw new AssertionError("the guard must never write, yet it wrote '" + value + "' to " + path);
        });
        String blockPath = sysfs.canonical("class/block/" + Path.of(rootSource).getFileName()).orElse("");
        assumeTrue(blockPath.contains("/pci"), "the root disk " + rootSource + " is not on a PCI device: " + blockPath);
        List<HostUse> uses = new HostGuard(sysfs).hostUses(new PciInventory(sysfs).addresses());
        uses.forEach(u -> System.out.println("host use: " + u.describe()));
        assertTrue(uses.stream().anyMatch(u -> u.kind() == HostUse.Kind.ROOT_DISK && !u.overridable()),
                "no root disk among " + uses);
    }
}
