package dev.hostdev.engine.state;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An operation in progress, as written to {@code /run/hostdev/journal/<id>.json} before its first
 * write and rewritten after each. If the process dies, {@code hostdev recover} reads it to finish or
 * roll back the operation.
 *
 * @param id        unique name of the operation (also the file name)
 * @param operation {@code detach} or {@code reattach}
 * @param pid       the process carrying it out
 * @param requester who asked, e.g. {@code hostdev detach}
 * @param startedAt ISO-8601 UTC
 * @param bootId    the kernel's boot id ({@code /proc/sys/kernel/random/boot_id}) when it was written, or
 *                  {@code null} if that could not be read: an entry from another boot describes devices
 *                  that have since been reset by the reboot, and is never acted on
 * @param devices   each device's original state and progress
 */
public record JournalEntry(String id, String operation, long pid, String requester, String startedAt, String bootId,
                           List<JournalDevice> devices) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    /** Validates the id (a file name) and copies the list. */
    public JournalEntry {
        Objects.requireNonNull(id);
        if (!ID.matcher(id).matches() || id.startsWith(".")) {
            throw new IllegalArgumentException("bad journal id: " + id);
        }
        Objects.requireNonNull(operation);
        devices = List.copyOf(devices);
    }

    /** A copy with one device's progress replaced. */
    public JournalEntry withDevice(JournalDevice updated) {
        List<JournalDevice> list = devices.stream()
                .map(d -> d.address().equals(updated.address()) ? updated : d).toList();
        return new JournalEntry(id, operation, pid, requester, startedAt, bootId, list);
    }

    /**
     * One device of a journalled operation.
     *
     * @param address                the device
     * @param pciId                  its {@code vendor:device} when the operation began, e.g. {@code 8086:10d3}:
     *                               recovery acts only on the same device
     * @param originalDriver         its driver before the operation, or {@code null}
     * @param originalDriverOverride its driver_override before, or {@code null}
     * @param recordedDriver         for a reattach: the host driver to give it back to, or {@code null}
     * @param leaveUnbound           for a reattach: it had no driver before Hostdev took it, so none is probed
     * @param targetDriver           the driver the operation moves it to, or {@code null} (a host driver picked by the kernel)
     * @param steps                  the planned steps, as printed
     * @param stepsDone              how many of them completed (a write may have happened one step beyond)
     */
    public record JournalDevice(String address, String pciId, String originalDriver, String originalDriverOverride,
                                String recordedDriver, boolean leaveUnbound, String targetDriver, List<String> steps,
                                int stepsDone) {
        public JournalDevice {
            Objects.requireNonNull(address);
            steps = List.copyOf(steps);
        }

        /** A copy with {@code stepsDone} set. */
        public JournalDevice withStepsDone(int n) {
            return new JournalDevice(address, pciId, originalDriver, originalDriverOverride, recordedDriver, leaveUnbound,
                    targetDriver, steps, n);
        }
    }
}
