package dev.hostdev.engine.pci;

import java.util.Optional;

/**
 * Intel VMD facts read from a device's place in {@code /sys/devices}: a PCI domain whose root bus
 * ({@code pciDDDD:BB}) sits inside a PCI endpoint rather than under a host bridge belongs to that endpoint,
 * the VMD controller, e.g. {@code devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0}.
 * Devices of such a domain do their DMA through the controller: they are not assignable one by one, and they
 * vanish when the controller is unbound.
 */
public final class VmdDomain {
    private VmdDomain() {
    }

    /** The VMD controller whose domain holds the device (the innermost one), empty on an ordinary domain. */
    public static Optional<PciAddress> controllerOf(PciDevice device) {
        String[] names = device.sysfsPath().split("/");
        for (int i = names.length - 2; i >= 1; i--) {
            if (names[i].startsWith("pci") && PciAddress.fromSysfsName(names[i]) == null) {
                PciAddress owner = PciAddress.fromSysfsName(names[i - 1]);
                if (owner != null) {
                    return Optional.of(owner);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code device} sits in a domain that {@code controller} creates (directly or deeper). */
    public static boolean isBehind(PciDevice device, PciAddress controller) {
        String[] names = device.sysfsPath().split("/");
        for (int i = 0; i + 1 < names.length - 1; i++) {
            if (controller.equals(PciAddress.fromSysfsName(names[i])) && names[i + 1].startsWith("pci")
                    && PciAddress.fromSysfsName(names[i + 1]) == null) {
                return true;
            }
        }
        return false;
    }

    /** The words users see for a device behind a VMD controller. */
    public static String notAssignableAlone(PciAddress device, PciAddress controller) {
        return device + " is behind " + controller + " (Intel VMD), which owns domain "
                + String.format("%04x", device.domain()) + ": its devices cannot be given to a VM one by one";
    }
}
