package dev.hostdev.launcher.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.SysfsTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsPciFactsTest {
    @TempDir
    Path root;

    @Test
    void pciExpressOrConventionalFromConfigSpace() {
        SysfsTree tree = SysfsTree.create(root);
        tree.pci("0000:01:00.0").pcie().add();
        tree.pci("0000:02:01.0").add();
        SysfsPciFacts facts = new SysfsPciFacts(tree.sysfs());
        assertEquals(Optional.of(true), facts.isPcie(PciAddress.parse("01:00.0")));
        assertEquals(Optional.of(false), facts.isPcie(PciAddress.parse("02:01.0")));
        assertEquals(Optional.empty(), facts.isPcie(PciAddress.parse("03:00.0")), "absent");
    }

    @Test
    void barsFromResource() throws IOException {
        SysfsTree tree = SysfsTree.create(root);
        tree.pci("0000:65:00.0").pcie().bar(0, 0xfb000000L, 16 << 20).add();
        SysfsPciFacts facts = new SysfsPciFacts(tree.sysfs());
        assertEquals(Optional.of(new BarSizes(16 << 20, 0, 0)), facts.barSizes(PciAddress.parse("65:00.0")));
        Files.writeString(tree.pciDeviceDir("0000:65:00.0").resolve("resource"), FakePciFacts.GPU_RESOURCE);
        assertEquals(Optional.of(BarSizes.parse(FakePciFacts.GPU_RESOURCE)), facts.barSizes(PciAddress.parse("65:00.0")));
        assertEquals(Optional.empty(), facts.barSizes(PciAddress.parse("66:00.0")));
    }
}
