package dev.hostdev.launcher.cmdline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

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
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Set<String> OWN = Set.of("driver", "id", "bus", "addr");

    /** Checks names and copies the properties. */
    public BuslessDevice {
        if (driver == null || !NAME.matcher(driver).matches()) {
            throw new IllegalArgumentException("not a QEMU device name: " + driver);
        }
        QemuDevice.checkId(id);
        Objects.requireNonNull(extra);
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
        return p;
    }
}
