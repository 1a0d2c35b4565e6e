package dev.hostdev.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.topology.BigBarGpus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doctor's boot VGA and ROM checks on a generated tree. */
class GpuDoctorChecksTest {
    @TempDir
    Path root;

    @Test
    void theBootVgaIsNamedAndTheRomSized() {
        SysfsTree tree = SysfsTree.create(root);
        BigBarGpus.add(tree, "0000:65:00.0", 16L << 30, true);
        BigBarGpus.add(tree, "0000:b3:00.0", 16L << 30, false);
        tree.pci("0000:03:00.0").pcie().klass(0x020000).add();
        tree.pci("0000:04:00.0").pcie().klass(0x030000).add();
        DoctorContext ctx = DoctorContext.of(tree.hostRoot());
        PciInventory inv = new PciInventory(tree.sysfs());
        CheckResult boot = new BootVgaCheck().run(ctx, inv.find(PciAddress.parse("65:00.0")));
        assertEquals(CheckStatus.WARN, boot.status());
        assertEquals("the host's boot VGA (boot_vga 1): the firmware and the host's console use it", boot.found());
        assertEquals(CheckStatus.OK, new BootVgaCheck().run(ctx, inv.find(PciAddress.parse("b3:00.0"))).status());
        assertEquals(CheckStatus.NOT_APPLICABLE, new BootVgaCheck().run(ctx, inv.find(PciAddress.parse("03:00.0"))).status());

        CheckResult rom = new RomCheck().run(ctx, inv.find(PciAddress.parse("65:00.0")));
        assertEquals(CheckStatus.OK, rom.status());
        assertEquals("ROM BAR 512K (sysfs rom); the guest sees it through the ROM BAR (rombar = false hides it, romfile = … replaces it)",
                rom.found());
        assertEquals(CheckStatus.WARN, new RomCheck().run(ctx, inv.find(PciAddress.parse("04:00.0"))).status(), "a GPU without a ROM");
        assertEquals(CheckStatus.NOT_APPLICABLE, new RomCheck().run(ctx, inv.find(PciAddress.parse("03:00.0"))).status());
    }
}
