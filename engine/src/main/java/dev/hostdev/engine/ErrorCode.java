package dev.hostdev.engine;

/**
 * Stable error codes. Each maps to the process exit status and to the {@code code} field of a
 * {@code --json} error; both are part of Hostdev's interface and must not change meaning.
 */
public enum ErrorCode {
    /** Bad input: an unknown device spelling, a bad option value, a malformed spec file. */
    USAGE(2),
    /** The named device, group, VM or file does not exist. */
    NOT_FOUND(3),
    /** The device's IOMMU group cannot be given to a VM as it stands. */
    NOT_VIABLE(4),
    /** The host itself uses the device (root disk, active network, boot VGA, host bridge). */
    HOST_IN_USE(5),
    /** Another process or manager holds the device or the lock. */
    BUSY(6),
    /** The kernel refused a sysfs write or did not do what was asked. */
    KERNEL(7),
    /** QEMU failed to start, died, or refused a command. */
    QEMU(8),
    /** The QMP conversation failed (EOF, garbage, protocol error). */
    QMP(9),
    /** Something did not happen within its time limit. */
    TIMEOUT(10),
    /** The operation does not fit the current state (VM not running, device not detached by Hostdev). */
    STATE(11),
    /** The host lacks something Hostdev needs (QEMU, a kernel module, an IOMMU, permissions). */
    ENVIRONMENT(12),
    /** A bug in Hostdev: reported with its stack trace under -v. */
    INTERNAL(70);

    private final int exitStatus;

    ErrorCode(int exitStatus) {
        this.exitStatus = exitStatus;
    }

    /** The process exit status for this error. */
    public int exitStatus() {
        return exitStatus;
    }

    /** The code as it appears in JSON: lower case, e.g. {@code not_viable}. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
