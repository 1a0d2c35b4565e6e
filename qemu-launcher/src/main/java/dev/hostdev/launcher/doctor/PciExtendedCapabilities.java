package dev.hostdev.launcher.doctor;

import java.util.Optional;

/**
 * Walks the PCIe extended capability list in a device's 4 KiB configuration space (from offset
 * 0x100: 16-bit id, 4-bit version, 12-bit next pointer).
 */
final class PciExtendedCapabilities {
    /** Access Control Services. */
    static final int ACS = 0x000d;
    private static final int START = 0x100;
    private static final int CONFIG_SIZE = 4096;

    private PciExtendedCapabilities() {
    }

    /** The offset of capability {@code id}, or empty when absent or when config space is short. */
    static Optional<Integer> find(byte[] config, int id) {
        if (config.length < CONFIG_SIZE) {
            return Optional.empty();
        }
        int offset = START;
        for (int hops = 0; hops < (CONFIG_SIZE - START) / 4 && offset >= START && offset + 4 <= CONFIG_SIZE; hops++) {
            int header = dword(config, offset);
            if (header == 0 || header == -1) {
                return Optional.empty();
            }
            if ((header & 0xffff) == id) {
                return Optional.of(offset);
            }
            offset = (header >>> 20) & 0xffc;
            if (offset == 0) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    static int word(byte[] b, int offset) {
        return (b[offset] & 0xff) | (b[offset + 1] & 0xff) << 8;
    }

    static int dword(byte[] b, int offset) {
        return word(b, offset) | word(b, offset + 2) << 16;
    }
}
