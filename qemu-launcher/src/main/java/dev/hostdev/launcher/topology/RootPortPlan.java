package dev.hostdev.launcher.topology;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One root port in the plan: where it is, why it is there, what is plugged in at start.
 *
 * @param port          the port
 * @param role          why it exists
 * @param occupant      the id of the device plugged in at start; empty for hotplug and spare ports
 * @param multifunction whether QEMU must be told {@code multifunction=on} (function 0 of a slot with more ports)
 * @param reservation   windows the firmware reserves behind it
 * @param functions     the devices at functions 1 to 7 of its slot 0, by function, when the occupant (at function 0)
 *                      is one function of a multi-function device given whole; empty otherwise
 */
public record RootPortPlan(RootPort port, PortRole role, Optional<String> occupant, boolean multifunction,
                           PortReservation reservation, SortedMap<Integer, String> functions) {
    /** Occupant present exactly for roles other than hotplug and spare. */
    public RootPortPlan {
        Objects.requireNonNull(port);
        Objects.requireNonNull(reservation);
        boolean free = role == PortRole.HOTPLUG || role == PortRole.SPARE;
        if (free == occupant.isPresent()) {
            throw new IllegalArgumentException("port " + port.id() + " (" + role + ") occupant " + occupant);
        }
        for (int f : functions.keySet()) {
            if (f < 1 || f > 7 || occupant.isEmpty()) {
                throw new IllegalArgumentException("port " + port.id() + ": function " + f + " without a device at function 0");
            }
        }
        functions = Collections.unmodifiableSortedMap(new TreeMap<>(functions));
    }

    /** A port with at most one device, at function 0. */
    public RootPortPlan(RootPort port, PortRole role, Optional<String> occupant, boolean multifunction, PortReservation reservation) {
        this(port, role, occupant, multifunction, reservation, new TreeMap<>());
    }

    /** Whether the devices behind it are the functions of one multi-function device. */
    public boolean holdsMultiFunctionDevice() {
        return !functions.isEmpty();
    }

    /** Whether no device is plugged in at start. */
    public boolean isFree() {
        return occupant.isEmpty();
    }
}
