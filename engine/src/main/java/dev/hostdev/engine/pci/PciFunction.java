package dev.hostdev.engine.pci;

import java.util.Optional;

/** What every view of a PCI function tells: its address, class and driver. */
public interface PciFunction {
    /** Class code of a PCI-to-PCI bridge (root ports, switch ports, pcie-pci-bridge included). */
    int CLASS_PCI_BRIDGE = 0x0604;
    /** Class code of a semi-transparent PCI-to-PCI bridge. */
    int CLASS_PCI_BRIDGE_SEMI = 0x0609;
    /** Class code of a host bridge. */
    int CLASS_HOST_BRIDGE = 0x0600;

    /** The address. */
    PciAddress address();

    /** The 16-bit vendor ID. */
    int vendorId();

    /** The 16-bit device ID. */
    int deviceId();

    /** The 24-bit class code (class, subclass, programming interface), e.g. {@code 0x020000}. */
    int classCode();

    /** The bound driver's name, empty when none is bound. */
    Optional<String> driver();

    /** The class and subclass, e.g. {@code 0x0200} for Ethernet: what lspci prints as the class. */
    default int baseClass() {
        return classCode() >>> 8;
    }

    /** A PCI-to-PCI bridge (class 0x0604 or 0x0609): root ports, switch ports, PCIe-to-PCI bridges. */
    default boolean isBridge() {
        return baseClass() == CLASS_PCI_BRIDGE || baseClass() == CLASS_PCI_BRIDGE_SEMI;
    }

    /** A host bridge (class 0x0600). */
    default boolean isHostBridge() {
        return baseClass() == CLASS_HOST_BRIDGE;
    }
}
