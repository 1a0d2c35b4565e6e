package dev.hostdev.launcher.topology;

/** Why a root port is in the plan. */
public enum PortRole {
    /** A virtio-blk disk. */
    DISK,
    /** A virtio-9p share. */
    SHARE,
    /** A PCI Express host device (vfio-pci). */
    HOSTDEV,
    /** An emulated PCI device. */
    DEVICE,
    /** The xHCI controller for USB devices. */
    XHCI,
    /** The pcie-pci-bridge. */
    BRIDGE,
    /** Kept free for a device to be hotplugged, sized for it. */
    HOTPLUG,
    /** Kept free for hotplug, default windows. */
    SPARE;

    /** Lower-case name used in JSON. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
