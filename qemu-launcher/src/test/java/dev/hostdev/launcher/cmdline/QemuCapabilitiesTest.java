package dev.hostdev.launcher.cmdline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
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
    void theAnswerIsCachedInAFileUntilTheBinaryChanges(@TempDir Path dir) throws Exception {
        Path qemu = dir.resolve("fake-qemu");
        Path calls = dir.resolve("calls");
        Files.writeString(qemu, "#!/bin/sh\necho x >> '" + calls + "'\nprintf 'name \"pcie-root-port\", bus PCI\\nname \"e1000e\", bus PCI\\n'\n");
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwx------"));
        Optional<Path> cache = Optional.of(dir.resolve("cache"));
        assertEquals(Set.of("pcie-root-port", "e1000e"), QemuCapabilities.of(qemu, cache).devices());
        QemuCapabilities.forgetInProcess();
        assertEquals(Set.of("pcie-root-port", "e1000e"), QemuCapabilities.of(qemu, cache).devices());
        assertEquals(1, Files.readAllLines(calls).size(), "the second process-less ask reads the file");
        Files.setLastModifiedTime(qemu, FileTime.fromMillis(Files.getLastModifiedTime(qemu).toMillis() + 5000));
        QemuCapabilities.of(qemu, cache);
        assertEquals(2, Files.readAllLines(calls).size(), "a changed binary is asked again");
    }

    @Test
    void theInstalledQemuHasEverythingAndIsAskedOnce() {
        Assumptions.assumeTrue(QemuCapabilities.resolve(Path.of("qemu-system-x86_64")).isPresent(), "qemu-system-x86_64 not installed");
        QemuCapabilities caps = QemuCapabilities.of(Path.of("qemu-system-x86_64"), Optional.empty());
        caps.require(List.of("pcie-root-port", "pcie-pci-bridge", "vfio-pci", "qemu-xhci", "usb-host", "intel-iommu",
                "e1000e", "e1000", "nvme", "virtio-9p-pci", "virtio-blk-pci", "usb-kbd"));
        assertSame(caps, QemuCapabilities.of(Path.of("qemu-system-x86_64"), Optional.empty()), "cached by binary and mtime");
    }
}
