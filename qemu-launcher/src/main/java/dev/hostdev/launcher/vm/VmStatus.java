package dev.hostdev.launcher.vm;

import java.util.List;
import java.util.Objects;

/**
 * A VM's state as it really is, worked out once ({@link RunningVm#status}) for every command that shows it.
 *
 * @param record          what {@code state.json} says
 * @param state           the state to show: the recorded one corrected by QEMU's liveness and, when asked, its monitor
 * @param qmpNote         what the monitor said, or why it did not answer; {@code null} when it was not asked or said nothing more
 * @param vanished        recorded devices QEMU no longer has
 * @param supervisorAlive whether the supervisor still runs; {@code null} when none belongs to this state
 * @param warnings        what a person must know, one sentence each with its fix
 */
public record VmStatus(VmRecord record, VmState state, String qmpNote, List<String> vanished, Boolean supervisorAlive,
                       List<String> warnings) {
    /** Copies the lists. */
    public VmStatus {
        Objects.requireNonNull(record);
        Objects.requireNonNull(state);
        vanished = List.copyOf(vanished);
        warnings = List.copyOf(warnings);
    }
}
