package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import java.util.LinkedHashSet;
import java.util.Set;

/** The PCI functions named along a sysfs device path: the device and every bridge above it. */
final class PciPath {
    private PciPath() {
    }

    /** e.g. {@code devices/pci0000:00/0000:00:1c.0/0000:01:00.0/nvme/nvme0} gives 0000:00:1c.0 and 0000:01:00.0. */
    static Set<PciAddress> along(String sysPath) {
        Set<PciAddress> out = new LinkedHashSet<>();
        for (String part : sysPath.split("/")) {
            if (part.length() == 12 && part.charAt(4) == ':') {
                PciAddress a = PciAddress.tryParse(part);
                if (a != null) {
                    out.add(a);
                }
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
