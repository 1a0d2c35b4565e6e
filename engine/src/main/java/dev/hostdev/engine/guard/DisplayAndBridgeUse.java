package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;

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
            if (sysfs.read(dev + "/class").map(c -> c.toLowerCase().startsWith("0x0600")).orElse(false)) {
                uses.add(new HostUse(a, HostUse.Kind.HOST_BRIDGE, "class 0x0600"));
            }
        }
        for (String fb : sysfs.list("class/graphics")) {
            sysfs.canonical("class/graphics/" + fb).flatMap(PciPath::last).filter(devices::contains)
                    .ifPresent(a -> uses.add(new HostUse(a, HostUse.Kind.FRAMEBUFFER, "/dev/" + fb)));
        }
        return uses;
    }
}
