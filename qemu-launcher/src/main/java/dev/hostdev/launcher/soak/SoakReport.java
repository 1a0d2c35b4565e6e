package dev.hostdev.launcher.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The result of a soak.
 *
 * @param vm              the VM
 * @param devices         the devices cycled, as named to the user
 * @param ids             their ids in the VM, in the same order
 * @param cyclesRequested how many cycles were asked for
 * @param cycles          the cycles run, in order (stopped at the first failure unless told to keep going)
 * @param guestCheck      the guest check command, or {@code null}
 * @param healthChecks    how many device-health checks were made
 * @param start           memory before the first cycle
 * @param end             memory after the last
 * @param wallNanos       from the first cycle's start to the last one's end
 */
public record SoakReport(String vm, List<String> devices, List<String> ids, int cyclesRequested, List<CycleResult> cycles,
                         String guestCheck, int healthChecks, MemorySample start, MemorySample end, long wallNanos) {
    /** Copies the lists. */
    public SoakReport {
        Objects.requireNonNull(vm);
        devices = List.copyOf(devices);
        ids = List.copyOf(ids);
        cycles = List.copyOf(cycles);
    }

    /** Cycles that passed. */
    public int passed() {
        return (int) cycles.stream().filter(CycleResult::passed).count();
    }

    /** Cycles that failed. */
    public int failed() {
        return cycles.size() - passed();
    }

    /** Every failure, in cycle order. */
    public List<SoakFailure> failures() {
        return cycles.stream().map(CycleResult::failure).filter(Objects::nonNull).toList();
    }

    /** The first failure, or {@code null}. */
    public SoakFailure firstFailure() {
        return cycles.stream().map(CycleResult::failure).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** Whether it stopped early, at a failure. */
    public boolean stoppedEarly() {
        return cycles.size() < cyclesRequested;
    }

    /** Attach latencies of cycles that passed (a failed cycle's figures would mix errors in). */
    public LatencyStats add() {
        List<Long> all = new ArrayList<>();
        passing().forEach(c -> all.addAll(c.addNanos()));
        return LatencyStats.of(all);
    }

    /** Unplug latencies (device_del to DEVICE_DELETED) of cycles that passed. */
    public LatencyStats del() {
        List<Long> all = new ArrayList<>();
        passing().forEach(c -> all.addAll(c.delNanos()));
        return LatencyStats.of(all);
    }

    /** Until the guest check passed, of cycles that passed; {@code null} without a guest check. */
    public LatencyStats guestVisible() {
        return LatencyStats.of(passing().stream().map(CycleResult::guestVisible).filter(Objects::nonNull).toList());
    }

    /** Whole cycles that passed. */
    public LatencyStats cycle() {
        return LatencyStats.of(passing().stream().map(CycleResult::cycleNanos).toList());
    }

    private List<CycleResult> passing() {
        return cycles.stream().filter(CycleResult::passed).toList();
    }
}
