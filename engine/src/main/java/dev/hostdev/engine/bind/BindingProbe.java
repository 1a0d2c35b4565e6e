package dev.hostdev.engine.bind;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.List;
import java.util.Optional;

/**
 * Reads, through {@link Sysfs}, the little of a device's state that binding changes: its driver,
 * {@code driver_override}, IOMMU group, reset and config space. Read afresh before every decision:
 * the kernel is the truth, not what was planned.
 */
final class BindingProbe {
    private final Sysfs sysfs;

    BindingProbe(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    static String dev(PciAddress a) {
        return "bus/pci/devices/" + a;
    }

    boolean exists(PciAddress a) {
        return sysfs.isDirectory(dev(a));
    }

    BindingState state(PciAddress a) {
        Optional<String> driver = sysfs.linkName(dev(a) + "/driver");
        Optional<String> override = sysfs.read(dev(a) + "/driver_override")
                .filter(v -> !v.isEmpty() && !v.equals("(null)"));
        return new BindingState(driver, override);
    }

    /** The device's {@code vendor:device}, e.g. {@code 8086:10d3}, as the kernel lists it; empty if absent. */
    Optional<String> pciId(PciAddress a) {
        Optional<String> vendor = sysfs.read(dev(a) + "/vendor").map(BindingProbe::fourHex);
        Optional<String> device = sysfs.read(dev(a) + "/device").map(BindingProbe::fourHex);
        return vendor.isPresent() && device.isPresent() ? Optional.of(vendor.get() + ":" + device.get()) : Optional.empty();
    }

    private static String fourHex(String attribute) {
        String s = attribute.strip().toLowerCase(java.util.Locale.ROOT);
        return s.startsWith("0x") ? s.substring(2) : s;
    }

    Optional<String> iommuGroup(PciAddress a) {
        return sysfs.linkName(dev(a) + "/iommu_group");
    }

    /** The other devices of the device's IOMMU group, sorted, the device itself included. */
    List<PciAddress> groupMembers(String group) {
        return sysfs.list("kernel/iommu_groups/" + group + "/devices").stream()
                .map(PciAddress::tryParse).filter(x -> x != null).sorted().toList();
    }

    /** A PF's {@code sriov_numvfs}, or -1 if unreadable. */
    int numVfs(PciAddress a) {
        try {
            return sysfs.read(dev(a) + "/sriov_numvfs").map(String::strip).map(Integer::parseInt).orElse(-1);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    boolean driverLoaded(String driver) {
        return sysfs.isDirectory("bus/pci/drivers/" + driver);
    }

    boolean hasReset(PciAddress a) {
        return sysfs.exists(dev(a) + "/reset");
    }

    /** The class code, e.g. 0x060400, or -1 if unreadable. */
    int classCode(PciAddress a) {
        return sysfs.read(dev(a) + "/class").map(BindingProbe::hex).orElse(-1);
    }

    /**
     * Whether config space still answers: the vendor ID read from {@code config} is not 0xffff (a device
     * that fell off the bus reads all ones). The cached {@code vendor} attribute does not show this, so it is
     * only the fallback when {@code config} cannot be read.
     */
    boolean configReadable(PciAddress a) {
        Optional<byte[]> config = sysfs.readBytes(dev(a) + "/config", 2);
        if (config.isPresent() && config.get().length == 2) {
            int vendor = (config.get()[0] & 0xff) | (config.get()[1] & 0xff) << 8;
            return vendor != 0xffff;
        }
        return sysfs.read(dev(a) + "/vendor").map(BindingProbe::hex).map(v -> v != 0xffff).orElse(false);
    }

    private static int hex(String s) {
        try {
            String t = s.strip();
            return Integer.parseInt(t.startsWith("0x") ? t.substring(2) : t, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
