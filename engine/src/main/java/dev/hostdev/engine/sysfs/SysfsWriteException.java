package dev.hostdev.engine.sysfs;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;

/** The kernel refused a write to a sysfs attribute; carries the errno it answered. */
public class SysfsWriteException extends HostdevException {
    private final int errno;
    private final String attribute;
    private final String value;

    /**
     * @param attribute the attribute as the user would name it (e.g. {@code /sys/bus/pci/drivers_probe})
     * @param value     what was written
     * @param errno     the kernel's answer
     */
    public SysfsWriteException(String attribute, String value, int errno) {
        super(ErrorCode.KERNEL,
                "writing '" + value + "' to " + attribute + " failed: " + Errno.describe(errno)
                        + " (" + Errno.name(errno) + ")",
                null);
        this.errno = errno;
        this.attribute = attribute;
        this.value = value;
    }

    /** The errno the kernel answered. */
    public int errno() {
        return errno;
    }

    /** The attribute written. */
    public String attribute() {
        return attribute;
    }

    /** The value written. */
    public String value() {
        return value;
    }
}
