package dev.hostdev.launcher.cmdline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class QemuCapabilitiesTest {
    @Test
    void parsesDeviceHelp() {
        Set<String> names = QemuCapabilities.parseDeviceHelp("""
                Controller/Bridge/Hub devices:
                name "pcie-pci-bridge", bus PCI
                name "pcie-root-port", bus PCI

                Network devices:
                name "e1000e", bus PCI, desc "Intel 82574L GbE Controller"
                """);
        assertEquals(Set.of("pcie-pci-bridge", "pcie-root-port", "e1000e"), names);
    }

    @Test
    void missingDevicesAreAnEnvironmentErrorNamingThem() {
        QemuCapabilities caps = new QemuCapabilities(Path.of("/usr/bin/qemu-old"), Set.of("pcie-root-port"));
        HostdevException e = assertThrows(HostdevException.class, () -> caps.require(List.of("pcie-root-port", "pcie-pci-bridge", "vfio-pci")));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains("no device pcie-pci-bridge, vfio-pci"), e.getMessage());
        assertTrue(e.hint().contains("qemu-system-x86"), e.hint());
    }

    @Test
    void absentBinaryIsAnEnvironmentError() {
        HostdevException e = assertThrows(HostdevException.class, () -> QemuCapabilities.of(Path.of("/nonexistent/qemu-system-x86_64")));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.hint().contains("apt-get install qemu-system-x86"), e.hint());
    }

    @Test
    void theInstalledQemuHasEverythingAndIsAskedOnce() {
        Assumptions.assumeTrue(QemuCapabilities.resolve(Path.of("qemu-system-x86_64")).isPresent(), "qemu-system-x86_64 not installed");
        QemuCapabilities caps = QemuCapabilities.of(Path.of("qemu-system-x86_64"));
        caps.require(List.of("pcie-root-port", "pcie-pci-bridge", "vfio-pci", "qemu-xhci", "usb-host", "intel-iommu",
                "e1000e", "e1000", "nvme", "virtio-9p-pci", "virtio-blk-pci", "usb-kbd"));
        assertSame(caps, QemuCapabilities.of(Path.of("qemu-system-x86_64")), "cached by binary and mtime");
    }
}
