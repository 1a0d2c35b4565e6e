package dev.hostdev.launcher.hotplug;

import dev.hostdev.launcher.vm.VmDevice;
import java.time.Duration;
import java.util.List;

/**
 * How an unplug ended: the device released (acknowledged), or with {@code unplug --no-wait} only requested.
 *
 * @param device   the device as it was recorded
 * @param took     from the first device_del to its DEVICE_DELETED (or, not acknowledged, to QEMU's answer)
 * @param returned host devices given back to their drivers
 * @param retries  device_del attempts refused because the guest was busy
 * @param acked    whether the device is gone (DEVICE_DELETED heard, or QEMU no longer has it) and off the record;
 *                 false only for a request that did not wait ({@link Unplugger#request})
 */
public record UnplugResult(VmDevice device, Duration took, List<String> returned, int retries, boolean acked) {
    /** Copies the list. */
    public UnplugResult {
        returned = List.copyOf(returned);
    }

    /** A device the guest released (acknowledged). */
    public UnplugResult(VmDevice device, Duration took, List<String> returned, int retries) {
        this(device, took, returned, retries, true);
    }
}
