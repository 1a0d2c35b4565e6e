package dev.hostdev.engine.guard;

import dev.hostdev.engine.iommu.PlatformFunctions;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the boot VGA device ({@code boot_vga} reads 1), GPUs holding a framebuffer
 * ({@code /sys/class/graphics/fbN} on their path) and host bridges (class 0x0600).
 */
final class DisplayAndBridgeUse {
    private final Sysfs sysfs;

    DisplayAndBridgeUse(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    List<HostUse> scan(List<PciAddress> devices) {
        List<HostUse> uses = new ArrayList<>();
        for (PciAddress a : devices) {
            String dev = "bus/pci/devices/" + a;
            if (sysfs.read(dev + "/boot_vga").map(v -> v.equals("1")).orElse(false)) {
                uses.add(new HostUse(a, HostUse.Kind.BOOT_VGA, "boot_vga reads 1"));
            }
            String classCode = sysfs.read(dev + "/class").orElse("").toLowerCase();
            if (classCode.startsWith("0x0600")) {
                uses.add(new HostUse(a, HostUse.Kind.HOST_BRIDGE, "class 0x0600"));
            }
            parseClass(classCode).flatMap(PlatformFunctions::keptBecause)
                    .ifPresent(why -> uses.add(new HostUse(a, HostUse.Kind.PLATFORM_FUNCTION, why)));
        }
        for (String fb : sysfs.list("class/graphics")) {
            sysfs.canonical("class/graphics/" + fb).flatMap(PciPath::last).filter(devices::contains)
                    .ifPresent(a -> uses.add(new HostUse(a, HostUse.Kind.FRAMEBUFFER, "/dev/" + fb)));
        }
        return uses;
    }

    private static Optional<Integer> parseClass(String text) {
        if (!text.matches("0x[0-9a-f]{6}")) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(text.substring(2), 16));
    }
}
