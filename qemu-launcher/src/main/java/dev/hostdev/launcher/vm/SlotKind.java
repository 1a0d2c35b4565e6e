package dev.hostdev.launcher.vm;

/** What a hotplug slot is. */
public enum SlotKind {
    /** A pcie-root-port: one PCI Express device at {@code addr=0x0}. */
    ROOT_PORT,
    /** A slot of the pcie-pci-bridge: one conventional PCI device. */
    BRIDGE_SLOT
}
