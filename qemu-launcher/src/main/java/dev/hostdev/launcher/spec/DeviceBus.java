package dev.hostdev.launcher.spec;

/** Where an emulated device is plugged ({@code bus} of a {@code [[device]]}). */
public enum DeviceBus {
    /** A pcie-root-port of its own (PCI Express devices; the default for PCI models). */
    ROOT_PORT,
    /** A slot of the pcie-pci-bridge (conventional PCI; the default for e1000, rtl8139, …). */
    BRIDGE,
    /** The qemu-xhci USB controller (the default for usb-* models). */
    XHCI,
    /** No bus: a device QEMU attaches to nothing, such as {@code nvme-subsys} (the default, and the only choice, for those). */
    NONE;

    /** The spelling in spec files: {@code root-port}, {@code bridge}, {@code xhci}. */
    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
