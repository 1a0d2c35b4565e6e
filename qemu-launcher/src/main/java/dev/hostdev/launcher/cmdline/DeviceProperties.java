package dev.hostdev.launcher.cmdline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks every emulated {@code -device} shares: a QEMU device name, an id, and its own properties. */
final class DeviceProperties {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Set<String> OWN = Set.of("driver", "id", "bus", "addr");

    private DeviceProperties() {
    }

    /**
     * Checks the driver name, the id and each property name (none may set driver, id, bus or addr).
     *
     * @return an unmodifiable copy of {@code extra}, in its order
     * @throws IllegalArgumentException naming what is wrong
     */
    static Map<String, Object> checked(String driver, String id, Map<String, Object> extra) {
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
        return Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }
}
