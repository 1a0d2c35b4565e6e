package dev.hostdev.launcher.topology;

import java.util.Objects;

/**
 * Where a PCI device sits in the guest: a bus id and a slot/function on it.
 *
 * @param bus      the QEMU bus id ({@code pcie.0}, {@code pci.3}, …)
 * @param slot     0 to 0x1f
 * @param function 0 to 7
 * @param multifunction whether the device opens a multi-function slot ({@code multifunction=on}: function 0 of a
 *                      slot whose other functions hold devices too)
 */
public record Placement(String bus, int slot, int function, boolean multifunction) {
    /** Checks ranges. */
    public Placement {
        Objects.requireNonNull(bus);
        if (slot < 0 || slot > 0x1f || function < 0 || function > 7) {
            throw new IllegalArgumentException("bad slot/function " + slot + "." + function);
        }
        if (multifunction && function != 0) {
            throw new IllegalArgumentException("multifunction belongs on function 0, not " + function);
        }
    }

    /** A device alone in its slot, or at a function other than 0. */
    public Placement(String bus, int slot, int function) {
        this(bus, slot, function, false);
    }

    /** Function {@code function} of slot 0 of a root port's bus: a multi-function device's place. */
    public static Placement onRootPort(String portId, int function, boolean multifunction) {
        return new Placement(portId, 0, function, multifunction);
    }

    /** Slot 0 of a root port's bus, where its one device goes. */
    public static Placement onRootPort(String portId) {
        return new Placement(portId, 0, 0);
    }

    /** QEMU's {@code addr} value: {@code 0x1} or {@code 0x1.0x2}. */
    public String addr() {
        return function == 0 ? String.format("0x%x", slot) : String.format("0x%x.0x%x", slot, function);
    }

    @Override
    public String toString() {
        return bus + ":" + addr();
    }
}
