package dev.hostdev.launcher.topology;

/**
 * A pcie-root-port on pcie.0, numbered as libvirt numbers its controllers: id {@code pci.N},
 * {@code chassis} N, at slot/function {@code position} of pcie.0 (functions 0-7 of slot 1, then of
 * slot 2, …) with {@code port} = slot × 8 + function.
 *
 * @param index    the controller index N (1, 2, …)
 * @param slot     slot on pcie.0, 1 to 0x1e
 * @param function function in that slot
 */
public record RootPort(int index, int slot, int function) {
    /** Checks ranges: chassis and port are 8-bit. */
    public RootPort {
        if (index < 1 || index > 255 || slot < 1 || slot > 0x1e || function < 0 || function > 7) {
            throw new IllegalArgumentException("bad root port " + index + " at " + slot + "." + function);
        }
    }

    /** The QEMU id and bus name of its downstream bus: {@code pci.N}. */
    public String id() {
        return "pci." + index;
    }

    /** The chassis number (= index, as libvirt). */
    public int chassis() {
        return index;
    }

    /** The PCIe port number (slot × 8 + function, as libvirt). */
    public int port() {
        return slot * 8 + function;
    }

    /** Where it sits on pcie.0. */
    public Placement placement() {
        return new Placement("pcie.0", slot, function);
    }
}
