package dev.hostdev.launcher.cmdline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
    /** Checks names and copies the properties. */
    public EmulatedDevice {
        extra = DeviceProperties.checked(driver, id, extra);
        Objects.requireNonNull(bus);
        Objects.requireNonNull(addr);
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
