package dev.hostdev.engine.bind;

import dev.hostdev.engine.sriov.SriovStatus;
import java.util.List;
import java.util.Objects;

/**
 * A change of a PF's VF count, done or (under --dry-run) planned.
 *
 * @param dryRun whether nothing was written
 * @param before the PF's state when planned
 * @param after  its state afterwards (the same as before under --dry-run)
 * @param steps  every step, as printed: the writes and the checks
 * @param writes the sysfs writes made or planned, in order
 * @param note   why nothing is done, or empty
 */
public record SriovChange(boolean dryRun, SriovStatus before, SriovStatus after, List<String> steps,
                          List<SysfsWrite> writes, String note) {
    /** Copies the lists. */
    public SriovChange {
        Objects.requireNonNull(before);
        Objects.requireNonNull(after);
        steps = List.copyOf(steps);
        writes = List.copyOf(writes);
        note = note == null ? "" : note;
    }
}
