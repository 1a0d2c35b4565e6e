package dev.hostdev.launcher.soak;

import java.util.List;

/**
 * One attach → check → unplug → health cycle.
 *
 * @param cycle        the cycle, from 1
 * @param addNanos     each device's attach (device_add to its confirmation in QEMU), in the order attached
 * @param guestVisible from the first device_add until the guest check passed; {@code null} without a guest check
 *                     or when it did not pass
 * @param delNanos     each device's unplug (device_del to the guest's DEVICE_DELETED), in the order unplugged
 * @param cycleNanos   the whole cycle, health checks included
 * @param failure      what failed, or {@code null}
 */
public record CycleResult(int cycle, List<Long> addNanos, Long guestVisible, List<Long> delNanos, long cycleNanos,
                          SoakFailure failure) {
    /** Copies the lists. */
    public CycleResult {
        addNanos = List.copyOf(addNanos);
        delNanos = List.copyOf(delNanos);
    }

    /** Whether every step held. */
    public boolean passed() {
        return failure == null;
    }
}
