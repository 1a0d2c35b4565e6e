package dev.hostdev.launcher.cli;

import dev.hostdev.engine.usb.UsbDevice;

/** libvirt's node device names of USB devices: {@code usb_1_5_3} for 1-5.3, {@code usb_usb1} for a root hub. */
final class UsbNodedevNames {
    private UsbNodedevNames() {
    }

    static String of(UsbDevice d) {
        return "usb_" + d.name().replace('-', '_').replace('.', '_');
    }

    /** The parent's name: the hub above, or the root hub for a device on a root port; the root hub's parent is the controller. */
    static String parentOf(UsbDevice d) {
        if (d.port().isEmpty()) {
            String[] names = d.sysfsPath().split("/");
            String up = names.length > 1 ? names[names.length - 2] : "";
            var pci = dev.hostdev.engine.pci.PciAddress.tryParse(up);
            return pci != null ? pci.nodedevName() : "computer";
        }
        String name = d.name();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "usb_usb" + d.bus() : "usb_" + name.substring(0, dot).replace('-', '_').replace('.', '_');
    }
}
