package dev.hostdev.launcher.cmdline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Any device QEMU emulates (NIC, NVMe, virtio-blk, virtio-9p, USB keyboard, …): its driver name,
 * id, where it sits and its own properties.
 *
 * @param driver QEMU device name
 * @param id     device id
 * @param bus    the bus it plugs into ({@code pci.N} or {@code usb.0})
 * @param addr   its address on that bus (PCI), empty for USB
 * @param extra  its own properties, in order; they may not set driver, id, bus or addr
 */
public record EmulatedDevice(String driver, String id, String bus, Optional<String> addr, Map<String, Object> extra)
        implements QemuDevice {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Set<String> OWN = Set.of("driver", "id", "bus", "addr");

    /** Checks names and copies the properties. */
    public EmulatedDevice {
        if (driver == null || !NAME.matcher(driver).matches()) {
            throw new IllegalArgumentException("not a QEMU device name: " + driver);
        }
        QemuDevice.checkId(id);
        Objects.requireNonNull(bus);
        Objects.requireNonNull(addr);
        for (String key : extra.keySet()) {
            if (!NAME.matcher(key).matches() || OWN.contains(key)) {
                throw new IllegalArgumentException("device " + id + ": bad property '" + key + "'");
            }
        }
        extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>(extra);
        p.put("id", id);
        p.put("bus", bus);
        addr.ifPresent(a -> p.put("addr", a));
        return p;
    }
}
