package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.topology.Placement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code vfio-pci}: a host PCI device given to the guest. The host device must be bound to vfio-pci.
 *
 * @param id        device id
 * @param host      the host device
 * @param placement where it sits in the guest
 */
public record VfioPci(String id, PciAddress host, Placement placement) implements QemuDevice {
    /** Checks the id. */
    public VfioPci {
        QemuDevice.checkId(id);
        Objects.requireNonNull(host);
        Objects.requireNonNull(placement);
    }

    @Override
    public String driver() {
        return "vfio-pci";
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("host", host.toString());
        p.put("id", id);
        p.put("bus", placement.bus());
        p.put("addr", placement.addr());
        return p;
    }
}
