package dev.hostdev.launcher.topology;

import java.util.Objects;

/**
 * One 64-bit prefetchable window the guest's 64-bit PCI hole must hold: a device's 64-bit prefetchable BARs
 * (summed, rounded up to a power of two as a root port's window must be), or a hotplug port's
 * {@code pref64-reserve}.
 *
 * @param what  what needs it, as a person reads it ({@code hostdev gpu (0000:65:00.0)}, {@code hotplug port pci.5})
 * @param bars  the BARs' bytes (the reservation for a port)
 * @param bytes the window: a power of two at least {@code bars}
 */
public record Pref64Window(String what, long bars, long bytes) {
    /** Checks the window holds the BARs and is a power of two. */
    public Pref64Window {
        Objects.requireNonNull(what);
        if (bars <= 0 || bytes < bars || Long.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("bad window " + what + ": " + bars + " in " + bytes);
        }
    }

    /** The window for {@code bars} bytes of BARs: the next power of two, at least 1 MiB (bridge window granule). */
    public static Pref64Window of(String what, long bars) {
        long w = Math.max(bars, Q35Planner.WINDOW_GRANULE);
        long p = Long.highestOneBit(w);
        return new Pref64Window(what, bars, p == w ? w : p << 1);
    }
}
