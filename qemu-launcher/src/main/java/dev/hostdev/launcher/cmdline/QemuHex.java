package dev.hostdev.launcher.cmdline;

/**
 * A number QEMU reads in hex on the command line ({@code port=0x8}, {@code vendorid=0x046d}) and
 * that QMP takes as a JSON number.
 *
 * @param value  the number, not negative
 * @param digits minimum hex digits shown
 */
public record QemuHex(long value, int digits) {
    /** Rejects negative values. */
    public QemuHex {
        if (value < 0 || digits < 1) {
            throw new IllegalArgumentException("bad hex value " + value);
        }
    }

    @Override
    public String toString() {
        return String.format("0x%0" + digits + "x", value);
    }
}
