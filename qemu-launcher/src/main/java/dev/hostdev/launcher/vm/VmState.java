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
    /**
     * QEMU shut down (its {@code SHUTDOWN} event was heard: guest power-off, QMP {@code quit}, a signal)
     * or {@code hostdev vm stop} ended it; managed devices were given back. {@link VmEnd} says how.
     */
    STOPPED,
    /**
     * QEMU vanished without a {@code SHUTDOWN} event (SIGKILL, abort) while not being stopped, or shut
     * down on a guest panic or host error. Managed devices were given back once noticed.
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
