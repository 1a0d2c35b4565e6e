package dev.hostdev.launcher.cmdline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A device QEMU attaches to no bus, such as {@code nvme-subsys} (an NVMe subsystem that {@code nvme} controllers join
 * with {@code subsys=ID}): only its id and its own properties. It comes on the command line before the devices that
 * name it.
 *
 * @param driver QEMU device name
 * @param id     device id
 * @param extra  its own properties, in order; they may not set driver, id, bus or addr
 */
public record BuslessDevice(String driver, String id, Map<String, Object> extra) implements QemuDevice {
    /** Checks names and copies the properties. */
    public BuslessDevice {
        extra = DeviceProperties.checked(driver, id, extra);
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>(extra);
        p.put("id", id);
        return p;
    }
}
