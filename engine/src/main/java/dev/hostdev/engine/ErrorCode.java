package dev.hostdev.engine;

/**
 * Stable error codes. Each maps to the process exit status and to the {@code code} field of a
 * {@code --json} error; both are part of Hostdev's interface and must not change meaning.
 */
public enum ErrorCode {
    /** Bad input: an unknown device spelling, a bad option value, a malformed spec file. */
    USAGE(2, "bad input (usage)"),
    /** The named device, group, VM or file does not exist. */
    NOT_FOUND(3, "not found"),
    /** The device's IOMMU group cannot be given to a VM as it stands. */
    NOT_VIABLE(4, "IOMMU group not viable"),
    /** The host itself uses the device (root disk, active network, boot VGA, host bridge). */
    HOST_IN_USE(5, "used by the host"),
    /** Another process or manager holds the device or the lock. */
    BUSY(6, "busy: held by another process or manager"),
    /** The kernel refused a sysfs write or did not do what was asked. */
    KERNEL(7, "the kernel refused"),
    /** QEMU failed to start, died, or refused a command. */
    QEMU(8, "QEMU failed or refused"),
    /** The QMP conversation failed (EOF, garbage, protocol error). */
    QMP(9, "the QMP conversation failed"),
    /** Something did not happen within its time limit. */
    TIMEOUT(10, "timeout"),
    /** The operation does not fit the current state (VM not running, device not detached by Hostdev). */
    STATE(11, "wrong state"),
    /** The host lacks something Hostdev needs (QEMU, a kernel module, an IOMMU, permissions). */
    ENVIRONMENT(12, "environment: the host lacks something (see 'hostdev doctor')"),
    /**
     * A VM run in the foreground ({@code vm run}) ended otherwise than by its guest or its service manager's
     * stop: QEMU was killed by a signal (SIGKILL, the OOM killer) or told to quit by another process.
     */
    KILLED(13, "the VM was killed: its QEMU ended by a signal or another process's quit"),
    /** A bug in Hostdev: reported with its stack trace under -v. */
    INTERNAL(70, "internal error (a bug in Hostdev)");

    private final int exitStatus;
    private final String summary;

    ErrorCode(int exitStatus, String summary) {
        this.exitStatus = exitStatus;
        this.summary = summary;
    }

    /**
     * What the exit status means, in a few words: the one text that {@code hostdev --help}, the man page's
     * EXIT STATUS and the README's table are made from (a test checks the README).
     */
    public String summary() {
        return summary;
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
