package dev.hostdev.engine.bind;

import java.util.List;

/**
 * The result of a detach, reattach or recover: one outcome per device, in the order they were handled.
 *
 * @param dryRun  whether nothing was written
 * @param devices the outcomes
 */
public record BindResult(boolean dryRun, List<DeviceOutcome> devices) {
    /** Copies the list. */
    public BindResult {
        devices = List.copyOf(devices);
    }

    /** Every write made (or planned), in order. */
    public List<SysfsWrite> writes() {
        return devices.stream().flatMap(d -> d.writes().stream()).toList();
    }
}
