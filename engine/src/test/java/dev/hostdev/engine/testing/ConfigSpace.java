package dev.hostdev.engine.testing;

/**
 * Builds the bytes of a device's {@code config} file the way the kernel exposes them: the standard
 * header (IDs, class, revision, header type, subsystem IDs) and, for PCI Express devices, a capability
 * list holding the PCI Express capability (ID 0x10) with its device/port type.
 */
final class ConfigSpace {
    /** PCI Express device/port types (PCIe spec, "Device/Port Type" field). */
    static final int PCIE_ENDPOINT = 0x0;
    static final int PCIE_ROOT_PORT = 0x4;
    static final int PCIE_UPSTREAM_PORT = 0x5;
    static final int PCIE_DOWNSTREAM_PORT = 0x6;
    static final int PCIE_TO_PCI_BRIDGE = 0x7;

    private ConfigSpace() {
    }

    /**
     * @param pcieType a PCI Express device/port type, or -1 for a conventional PCI device
     * @param size     256 for conventional devices, 4096 for PCI Express ones (as the kernel shows root)
     */
    static byte[] build(int vendor, int device, int classCode, int revision, int subsystemVendor,
            int subsystemDevice, boolean multiFunction, int pcieType, int secondaryBus, int size) {
        byte[] c = new byte[size];
        put16(c, 0x00, vendor);
        put16(c, 0x02, device);
        put16(c, 0x04, 0x0007); // command: I/O, memory, bus master
        put16(c, 0x06, pcieType >= 0 ? 0x0010 : 0x0000); // status: capability list present
        c[0x08] = (byte) revision;
        c[0x09] = (byte) classCode;
        c[0x0a] = (byte) (classCode >> 8);
        c[0x0b] = (byte) (classCode >> 16);
        boolean bridge = (classCode >> 8) == 0x0604;
        c[0x0e] = (byte) ((bridge ? 0x01 : 0x00) | (multiFunction ? 0x80 : 0x00));
        if (bridge) {
            c[0x19] = (byte) secondaryBus;
            c[0x1a] = (byte) secondaryBus;
        } else {
            put16(c, 0x2c, subsystemVendor);
            put16(c, 0x2e, subsystemDevice);
        }
        if (pcieType >= 0) {
            c[0x34] = 0x40;
            c[0x40] = 0x10; // PCI Express capability
            c[0x41] = 0x00; // last in the list
            put16(c, 0x42, 0x0002 | (pcieType << 4)); // version 2, device/port type
        }
        return c;
    }

    /** Puts a Device Serial Number extended capability (ID 0x0003, version 1, last in the list) at 0x100. */
    static void putSerialNumber(byte[] c, long dsn) {
        put16(c, 0x100, 0x0003);
        put16(c, 0x102, 0x0001);
        for (int i = 0; i < 8; i++) {
            c[0x104 + i] = (byte) (dsn >>> (8 * i));
        }
    }

    private static void put16(byte[] c, int offset, int value) {
        c[offset] = (byte) value;
        c[offset + 1] = (byte) (value >> 8);
    }
}
