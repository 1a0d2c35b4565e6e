package dev.hostdev.launcher.vm;

import java.util.Locale;

/** Where a VM is in its life. Stored in {@code state.json}; {@link #PAUSED} is learned from QMP. */
public enum VmState {
    /** Hostdev is starting it: checks, detaches, QEMU paused until its devices are verified. */
    STARTING,
    /** QEMU runs the guest. */
    RUNNING,
    /** QEMU is up but the guest's CPUs are stopped (QMP {@code stop}, or an error). */
    PAUSED,
    /** {@code hostdev vm stop} is ending it. */
    STOPPING,
    /** It ended on request; managed devices were given back. */
    STOPPED,
    /**
     * QEMU ended without {@code hostdev vm stop}: a crash, a kill, or the guest powering off by itself
     * (the supervisor is not QEMU's parent and cannot see its exit status; {@code --foreground} can, and
     * records a clean exit as {@link #STOPPED}). Managed devices were given back once noticed.
     */
    CRASHED;

    /** Whether a QEMU process belongs to this state. */
    public boolean hasProcess() {
        return this == STARTING || this == RUNNING || this == PAUSED || this == STOPPING;
    }

    /** Lower-case name, as printed and in JSON. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
