package dev.hostdev.launcher.topology;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.MemorySize;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the guest firmware must reserve behind a root port (QEMU's {@code mem-reserve},
 * {@code pref64-reserve}, {@code bus-reserve}); empty values keep the firmware's defaults.
 *
 * @param mem       32-bit non-prefetchable window
 * @param pref64    64-bit prefetchable window
 * @param busReserve bus numbers
 * @param forDevice the host device the windows were sized for, if any
 */
public record PortReservation(Optional<MemorySize> mem, Optional<MemorySize> pref64, OptionalInt busReserve,
                              Optional<PciAddress> forDevice) {
    /** No reservation: firmware defaults. */
    public static final PortReservation NONE = new PortReservation(Optional.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty());

    /** Whether nothing is reserved. */
    public boolean isNone() {
        return mem.isEmpty() && pref64.isEmpty() && busReserve.isEmpty();
    }
}
