package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;

/**
 * How a VM run in the foreground ({@code hostdev vm run}) ended, which its exit status says to the service
 * manager: 0 for a guest power-off, and otherwise a status from Hostdev's one exit-status table
 * ({@link ErrorCode}), so that systemd's {@code Restart=on-failure} and {@code systemctl status} tell the cases apart.
 */
public enum VmRunEnd {
    /** The guest powered off: by itself, or asked by {@code system_powerdown} on SIGTERM. Exit status 0. */
    POWERED_OFF(null),
    /**
     * Asked to stop (a signal, or {@code hostdev vm stop} from elsewhere), the guest did not power off within the
     * stop timeout: QEMU was quit or killed. Exit status 10.
     */
    FORCED(ErrorCode.TIMEOUT),
    /** QEMU was killed by a signal, or quit by another process, while nobody asked {@code vm run} to stop. Exit status 13. */
    KILLED(ErrorCode.KILLED),
    /** QEMU crashed (no SHUTDOWN event and no killing signal: abort, segfault), or stopped on a guest panic or host error. Exit status 8. */
    CRASHED(ErrorCode.QEMU);

    private static final int SIGHUP = 1;
    private static final int SIGINT = 2;
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;

    private final ErrorCode code;

    VmRunEnd(ErrorCode code) {
        this.code = code;
    }

    /** The error code its exit status comes from, or {@code null} for a power-off (status 0). */
    public ErrorCode code() {
        return code;
    }

    /** The exit status. */
    public int exitStatus() {
        return code == null ? 0 : code.exitStatus();
    }

    /**
     * Classifies an end.
     *
     * @param end        how QEMU ended, from its SHUTDOWN event (or none heard)
     * @param qemuStatus QEMU's exit status as its parent saw it (a signal as 128 + its number)
     * @param stop       how the stop asked for went, or {@code null} when none was asked
     */
    public static VmRunEnd of(VmEnd end, int qemuStatus, VmStopper.How stop) {
        return of(end, qemuStatus, stop, false);
    }

    /**
     * Classifies an end, knowing whether another process was stopping the VM ({@code hostdev vm stop}, which
     * marks the record stopping): one that had to quit or kill QEMU forced it off, as a stop on a signal would.
     *
     * @param stoppedElsewhere whether the record said stopping when QEMU ended, with no stop asked of {@code vm run}
     */
    public static VmRunEnd of(VmEnd end, int qemuStatus, VmStopper.How stop, boolean stoppedElsewhere) {
        if (end.reason().equals("guest-shutdown")) {
            return POWERED_OFF;
        }
        if (stop == null && stoppedElsewhere && !end.reason().equals("guest-panic") && !end.reason().equals("host-error")) {
            return FORCED;
        }
        if (stop == VmStopper.How.POWERDOWN) {
            return POWERED_OFF;
        }
        if (stop == VmStopper.How.QUIT || stop == VmStopper.How.SIGTERM || stop == VmStopper.How.SIGKILL) {
            return FORCED;
        }
        if (end.reason().equals("guest-panic") || end.reason().equals("host-error")) {
            return CRASHED;
        }
        if (!end.reason().equals(VmEnd.NO_SHUTDOWN_EVENT)) {
            return KILLED; // host-signal, host-qmp-quit, host-ui: the host ended it, not the guest
        }
        int signal = qemuStatus > 128 ? qemuStatus - 128 : 0;
        return signal == SIGKILL || signal == SIGTERM || signal == SIGINT || signal == SIGHUP ? KILLED : CRASHED;
    }

    /**
     * The end in words, for the last line {@code vm run} prints.
     *
     * @param stopTimeout the stop timeout {@code vm run} waited, or {@code null} when {@code hostdev vm stop} stopped it from elsewhere
     */
    public String describe(String vm, VmEnd end, int qemuStatus, java.time.Duration stopTimeout) {
        String how = end.describe() + ", QEMU exit status " + qemuStatus;
        return switch (this) {
            case POWERED_OFF -> "VM " + vm + " powered off: " + how;
            case FORCED -> "VM " + vm + " was forced off: the guest did not power off within "
                    + (stopTimeout == null ? "the timeout of 'hostdev vm stop'" : PlanStep.seconds(stopTimeout))
                    + " of system_powerdown (" + how + ")";
            case KILLED -> "VM " + vm + " was killed: " + how;
            case CRASHED -> "VM " + vm + " crashed: " + how;
        };
    }
}
