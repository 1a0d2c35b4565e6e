package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import java.util.LinkedHashSet;
import java.util.Set;

/** The PCI functions named along a sysfs device path: the device and every bridge above it. */
final class PciPath {
    private PciPath() {
    }

    /**
     * e.g. {@code devices/pci0000:00/0000:00:1c.0/0000:01:00.0/nvme/nvme0} gives 0000:00:1c.0 and 0000:01:00.0;
     * behind a VMD, {@code …/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0/nvme/nvme0} gives
     * 0000:00:0e.0, 10000:00:02.0 and 10000:01:00.0.
     */
    static Set<PciAddress> along(String sysPath) {
        Set<PciAddress> out = new LinkedHashSet<>();
        for (String part : sysPath.split("/")) {
            // fromSysfsName takes the kernel's spelling only, VMD's 10000:01:00.0 included (a VMD NVMe root
            // disk sits at devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0/…).
            PciAddress a = PciAddress.fromSysfsName(part);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** The PCI function nearest the end of the path (the device itself, not the bridges above it), if any. */
    static java.util.Optional<PciAddress> last(String sysPath) {
        PciAddress found = null;
        for (PciAddress a : along(sysPath)) {
            found = a;
        }
        return java.util.Optional.ofNullable(found);
    }
}
