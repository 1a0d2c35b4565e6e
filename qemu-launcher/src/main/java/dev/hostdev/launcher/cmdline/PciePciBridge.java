package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.topology.Placement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code pcie-pci-bridge} (libvirt's pcie-to-pci-bridge): a bus for conventional PCI devices,
 * on a root port of its own.
 *
 * @param id        {@code pci.N}, also its bus name
 * @param placement where it sits (slot 0 of its root port)
 */
public record PciePciBridge(String id, Placement placement) implements QemuDevice {
    /** Checks the id. */
    public PciePciBridge {
        QemuDevice.checkId(id);
        Objects.requireNonNull(placement);
    }

    @Override
    public String driver() {
        return "pcie-pci-bridge";
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", id);
        p.put("bus", placement.bus());
        p.put("addr", placement.addr());
        return p;
    }
}
