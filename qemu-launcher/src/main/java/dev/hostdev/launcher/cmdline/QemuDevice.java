package dev.hostdev.launcher.cmdline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A QEMU device as a value. Each kind validates itself when built and knows its properties;
 * rendering is shared: {@link #deviceArgument()} for {@code -device}, {@link #deviceAddArguments()}
 * for QMP {@code device_add}.
 */
public sealed interface QemuDevice
        permits PcieRootPort, PciePciBridge, VfioPci, QemuXhci, UsbHost, EmulatedDevice, IntelIommu, BuslessDevice {
    /** What QEMU accepts as a device id. */
    Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,127}");

    /** QEMU's device name ({@code -device help}). */
    String driver();

    /** The device id. */
    String id();

    /** The properties after the driver, in the order they are rendered (id, bus and addr included). */
    Map<String, Object> properties();

    /** The argument following {@code -device}: {@code driver,key=value,…}, values escaped. */
    default String deviceArgument() {
        return QemuOptions.render(driver(), properties());
    }

    /** The arguments of QMP {@code device_add}: {@code {"driver":…, …}} with typed values. */
    default ObjectNode deviceAddArguments() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("driver", driver());
        all.putAll(properties());
        return QemuOptions.json(all);
    }

    /** Throws if an id is not one QEMU accepts. */
    static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a QEMU device id: " + id);
        }
        return id;
    }
}
