package dev.hostdev.launcher.vm;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.hostdev.launcher.qmp.QmpEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * How a VM's QEMU ended, as recorded in {@code state.json}: the {@code reason} of QEMU's {@code SHUTDOWN}
 * event (QEMU's {@code ShutdownCause}: {@code guest-shutdown}, {@code host-qmp-quit}, {@code host-signal},
 * {@code guest-panic}, {@code host-error}, …), or {@value #NO_SHUTDOWN_EVENT} when QEMU vanished without one
 * (SIGKILL, abort, segfault).
 *
 * @param reason the reason
 * @param guest  whether the guest asked for it (the event's {@code guest} field); {@code null} without an event
 * @param at     when it was noticed (ISO-8601)
 */
public record VmEnd(String reason, Boolean guest, String at) {
    /** The reason recorded when QEMU ended without a {@code SHUTDOWN} event. */
    public static final String NO_SHUTDOWN_EVENT = "no-shutdown-event";
    /** The reason recorded for a VM whose record is of a previous boot: the host rebooted (or crashed) under it. */
    public static final String HOST_REBOOT = "host-reboot";

    /** Requires a reason. */
    public VmEnd {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason is blank");
        }
    }

    /** From QEMU's {@code SHUTDOWN} event ({@code {"guest":bool,"reason":"…"}}). */
    public static VmEnd ofShutdownEvent(QmpEvent e) {
        if (!e.name().equals("SHUTDOWN")) {
            throw new IllegalArgumentException("not a SHUTDOWN event: " + e.name());
        }
        String reason = e.dataText("reason");
        boolean guest = e.data() != null && e.data().path("guest").asBoolean(false);
        return new VmEnd(reason == null || reason.isBlank() ? "unknown" : reason, guest, now());
    }

    /**
     * The guest powered off before anyone listened: QEMU, run with {@code -action shutdown=pause}, was
     * found paused in the {@code shutdown} state, its event already sent.
     */
    public static VmEnd pausedAtShutdown() {
        return new VmEnd("guest-shutdown", true, now());
    }

    /** QEMU ended and no {@code SHUTDOWN} event was heard. */
    public static VmEnd withoutShutdownEvent() {
        return new VmEnd(NO_SHUTDOWN_EVENT, null, now());
    }

    /** A VM found, in a later boot, recorded as running: the host rebooted or crashed under it. */
    public static VmEnd hostReboot() {
        return new VmEnd(HOST_REBOOT, null, now());
    }

    /** Whether this end is a crash: no {@code SHUTDOWN} event, a guest panic, or a host error. */
    @JsonIgnore
    public boolean isCrash() {
        return reason.equals(NO_SHUTDOWN_EVENT) || reason.equals(HOST_REBOOT) || reason.equals("guest-panic") || reason.equals("host-error");
    }

    /** The state a VM that ended so is in. */
    @JsonIgnore
    public VmState state() {
        return isCrash() ? VmState.CRASHED : VmState.STOPPED;
    }

    /** The reason in words, e.g. "the guest powered off (guest-shutdown)". */
    public String describe() {
        String words = switch (reason) {
            case "guest-shutdown" -> "the guest powered off";
            case "host-qmp-quit" -> "QEMU was told to quit over QMP";
            case "host-signal" -> "QEMU was ended by a signal (SIGTERM, SIGINT or SIGHUP)";
            case "host-ui" -> "QEMU's window was closed";
            case "host-error" -> "QEMU stopped on a host error";
            case "guest-panic" -> "the guest panicked";
            case HOST_REBOOT -> "ended by a host reboot: the record is of a previous boot";
            case NO_SHUTDOWN_EVENT -> "QEMU ended without a SHUTDOWN event: killed (SIGKILL) or crashed";
            default -> "QEMU shut down";
        };
        return words + " (" + reason + ")";
    }

    private static String now() {
        return Instant.now().toString();
    }
}
