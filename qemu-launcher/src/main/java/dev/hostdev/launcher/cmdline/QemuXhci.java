package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.topology.Placement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code qemu-xhci}: the USB 3 controller USB devices plug into (bus {@code ID.0}), with 15 USB 2
 * and 15 USB 3 ports (QEMU's maximum; its default is 4 of each).
 *
 * @param id        device id
 * @param placement where it sits
 */
public record QemuXhci(String id, Placement placement) implements QemuDevice {
    /** QEMU's maximum number of ports of each speed. */
    public static final int PORTS = 15;

    /** Checks the id. */
    public QemuXhci {
        QemuDevice.checkId(id);
        Objects.requireNonNull(placement);
    }

    /** The name of its USB bus, for devices plugged into it. */
    public String usbBus() {
        return id + ".0";
    }

    @Override
    public String driver() {
        return "qemu-xhci";
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("p2", PORTS);
        p.put("p3", PORTS);
        p.put("id", id);
        p.put("bus", placement.bus());
        p.put("addr", placement.addr());
        return p;
    }
}
