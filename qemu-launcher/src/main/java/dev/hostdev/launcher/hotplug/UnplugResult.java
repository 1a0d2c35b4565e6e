package dev.hostdev.launcher.hotplug;

import dev.hostdev.launcher.vm.VmDevice;
import java.time.Duration;
import java.util.List;

/**
 * A device the guest released.
 *
 * @param device   the device as it was recorded
 * @param took     from device_del to its DEVICE_DELETED
 * @param returned host devices given back to their drivers
 * @param retries  device_del attempts refused because the guest was busy
 */
public record UnplugResult(VmDevice device, Duration took, List<String> returned, int retries) {
    /** Copies the list. */
    public UnplugResult {
        returned = List.copyOf(returned);
    }
}
