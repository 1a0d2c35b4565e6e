package dev.hostdev.launcher.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.NumaHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which host interrupts are a device's vfio interrupts: MSI-X, MSI and the INTx line, shared or not (as a real /proc/interrupts spells them). */
class VfioIrqsTest {
    @TempDir
    Path dir;

    private Set<Integer> irqsOf(String device, String interrupts) throws Exception {
        SysfsTree t = NumaHosts.twoSocket(dir, 4);
        t.file("/proc/interrupts", interrupts);
        return new VfioIrqs(t.sysfs()).of(PciAddress.parse(device));
    }

    @Test
    void theIntxLineQemuRequestsAtRealizeIsTheDevicesInterrupt() throws Exception {
        // as the Debian 6.1 lab guest prints it right after a nested QEMU opened 0000:81:00.0 (firmware only, no MSI)
        assertEquals(Set.of(11), irqsOf("0000:81:00.0", """
                           CPU0       CPU1       CPU2       CPU3
                  0:         52          0          0          0   IO-APIC   2-edge      timer
                 11:          0          0          0          0  IR-IO-APIC   11-fasteoi   vfio-intx(0000:81:00.0)
                 24:       1234          0          0          0  IR-PCI-MSI 49152-edge      virtio0-config
                """));
    }

    @Test
    void aSharedIntxLineCountsWhereverTheVfioActionSitsInTheList() throws Exception {
        // the kernel lists a shared line's handlers in the order they were requested, comma-separated
        String interrupts = """
                           CPU0       CPU1
                 10:          0          0  IR-IO-APIC   10-fasteoi   vfio-intx(0000:b3:00.0), uhci_hcd:usb2
                 11:          0          0  IR-IO-APIC   11-fasteoi   ehci_hcd:usb1, vfio-intx(0000:17:00.0), vfio-intx(0000:b3:00.0)
                 12:          0          0  IR-IO-APIC   12-fasteoi   vfio-intx(0000:17:00.0)
                141:          0          0  PCI-MSIX-0000:b3:00.0    0-edge      vfio-msix[0](0000:b3:00.0)
                142:          0          0  PCI-MSI-0000:17:00.0    0-edge      vfio-msi[0](0000:17:00.0)
                """;
        assertEquals(List.of(10, 11, 141), List.copyOf(irqsOf("0000:b3:00.0", interrupts)));
        assertEquals(List.of(11, 12, 142), List.copyOf(irqsOf("0000:17:00.0", interrupts)));
    }

    @Test
    void aNameThatOnlyLooksLikeVfiosIsNotTheDevices() throws Exception {
        assertEquals(Set.of(), irqsOf("0000:b3:00.0", """
                           CPU0
                 10:          0  IR-IO-APIC   10-fasteoi   myvfio-intx(0000:b3:00.0)
                 11:          0  IR-IO-APIC   11-fasteoi   vfio-intx(0000:b3:00.1)
                """));
    }
}
