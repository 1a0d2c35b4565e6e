package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.spec.MemorySize;
import dev.hostdev.launcher.topology.RootPortPlan;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code pcie-root-port}: a PCI Express root port on pcie.0, whose bus takes one device.
 *
 * @param id            {@code pci.N}
 * @param chassis       1 to 255
 * @param port          0 to 255
 * @param slot          slot on pcie.0
 * @param function      function on pcie.0
 * @param multifunction {@code multifunction=on} (function 0 of a shared slot)
 * @param memReserve    {@code mem-reserve}, if sized
 * @param pref64Reserve {@code pref64-reserve}, if sized
 * @param busReserve    {@code bus-reserve}, if set
 */
public record PcieRootPort(String id, int chassis, int port, int slot, int function, boolean multifunction,
                           Optional<MemorySize> memReserve, Optional<MemorySize> pref64Reserve, OptionalInt busReserve)
        implements QemuDevice {
    /** Checks ranges. */
    public PcieRootPort {
        QemuDevice.checkId(id);
        if (chassis < 0 || chassis > 255 || port < 0 || port > 255 || slot < 0 || slot > 0x1f || function < 0 || function > 7) {
            throw new IllegalArgumentException("root port " + id + ": chassis/port/slot/function out of range");
        }
        if (multifunction && function != 0) {
            throw new IllegalArgumentException("root port " + id + ": multifunction belongs on function 0");
        }
        Objects.requireNonNull(memReserve);
        Objects.requireNonNull(pref64Reserve);
        Objects.requireNonNull(busReserve);
    }

    /** The device for a planned root port. */
    public static PcieRootPort of(RootPortPlan p) {
        return new PcieRootPort(p.port().id(), p.port().chassis(), p.port().port(), p.port().slot(), p.port().function(),
                p.multifunction(), p.reservation().mem(), p.reservation().pref64(), p.reservation().busReserve());
    }

    @Override
    public String driver() {
        return "pcie-root-port";
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("port", new QemuHex(port, 1));
        p.put("chassis", chassis);
        p.put("id", id);
        p.put("bus", "pcie.0");
        if (multifunction) {
            p.put("multifunction", true);
        }
        p.put("addr", new dev.hostdev.launcher.topology.Placement("pcie.0", slot, function).addr());
        busReserve.ifPresent(b -> p.put("bus-reserve", b));
        memReserve.ifPresent(m -> p.put("mem-reserve", m));
        pref64Reserve.ifPresent(m -> p.put("pref64-reserve", m));
        return p;
    }
}
