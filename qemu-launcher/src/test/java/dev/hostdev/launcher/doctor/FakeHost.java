package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.sysfs.HostRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A host tree in a temporary directory for doctor tests: files under /proc, /sys, /dev, /etc and
 * /lib/modules, PCI devices with groups, links and config space. Never touches the real host.
 */
final class FakeHost {
    private final Path root;

    FakeHost(Path root) {
        this.root = root;
    }

    DoctorContext context() {
        return DoctorContext.of(new HostRoot(root));
    }

    Path root() {
        return root;
    }

    /** Writes a file at a host path such as {@code /proc/cmdline}. */
    FakeHost file(String hostPath, String content) {
        return bytes(hostPath, content.getBytes(StandardCharsets.UTF_8));
    }

    FakeHost bytes(String hostPath, byte[] content) {
        Path p = at(hostPath);
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    FakeHost dir(String hostPath) {
        try {
            Files.createDirectories(at(hostPath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A symbolic link at {@code hostPath} whose target is stored as given. */
    FakeHost link(String hostPath, String target) {
        Path p = at(hostPath);
        try {
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A character device at {@code hostPath}: a link to the real /dev/null, the one node every Linux has. */
    FakeHost charDevice(String hostPath) {
        return link(hostPath, "/dev/null");
    }

    /**
     * A PCI device under {@code /sys/devices/pci0000:00/PARENTS.../ADDR}, linked from
     * {@code /sys/bus/pci/devices}, with class, driver and (when group is non-null) IOMMU group.
     */
    FakeHost pci(String address, String pathAbove, String classCode, String driver, String group) {
        String real = "/sys/devices/pci0000:00/" + (pathAbove.isEmpty() ? "" : pathAbove + "/") + address;
        file(real + "/class", classCode + "\n");
        file(real + "/vendor", "0x8086\n");
        file(real + "/device", "0x1234\n");
        link("/sys/bus/pci/devices/" + address, "../../.." + real.substring("/sys".length()));
        if (driver != null) {
            dir("/sys/bus/pci/drivers/" + driver);
            link(real + "/driver", "../../../bus/pci/drivers/" + driver);
        }
        if (group != null) {
            dir("/sys/kernel/iommu_groups/" + group + "/devices");
            link(real + "/iommu_group", "../../../kernel/iommu_groups/" + group);
            link("/sys/kernel/iommu_groups/" + group + "/devices/" + address, "../../../../devices/pci0000:00/"
                    + (pathAbove.isEmpty() ? "" : pathAbove + "/") + address);
        }
        return this;
    }

    /** Where {@code /sys/bus/pci/devices/ADDR} points: the device's real directory as a host path. */
    String pciDir(String address) {
        try {
            return "/" + root.relativize(at("/sys/bus/pci/devices/" + address).toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes the links that point out of the tree (the {@link #charDevice} stand-ins) so that
     * JUnit's clean-up of the temporary directory has nothing outside it to consider.
     */
    static void removeOutwardLinks(Path root) {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.filter(Files::isSymbolicLink).toList()) {
                if (Files.readSymbolicLink(p).isAbsolute()) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path at(String hostPath) {
        return root.resolve(hostPath.substring(1));
    }
}
