package dev.hostdev.launcher.topology;

import java.util.Objects;
import java.util.Optional;

/**
 * One root port in the plan: where it is, why it is there, what is plugged in at start.
 *
 * @param port          the port
 * @param role          why it exists
 * @param occupant      the id of the device plugged in at start; empty for hotplug and spare ports
 * @param multifunction whether QEMU must be told {@code multifunction=on} (function 0 of a slot with more ports)
 * @param reservation   windows the firmware reserves behind it
 */
public record RootPortPlan(RootPort port, PortRole role, Optional<String> occupant, boolean multifunction,
                           PortReservation reservation) {
    /** Occupant present exactly for roles other than hotplug and spare. */
    public RootPortPlan {
        Objects.requireNonNull(port);
        Objects.requireNonNull(reservation);
        boolean free = role == PortRole.HOTPLUG || role == PortRole.SPARE;
        if (free == occupant.isPresent()) {
            throw new IllegalArgumentException("port " + port.id() + " (" + role + ") occupant " + occupant);
        }
    }

    /** Whether no device is plugged in at start. */
    public boolean isFree() {
        return occupant.isEmpty();
    }
}
