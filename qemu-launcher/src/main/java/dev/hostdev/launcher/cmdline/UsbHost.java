package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.spec.UsbDeviceRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code usb-host}: a host USB device given to the guest, matched by IDs ({@code vendorid},
 * {@code productid}) or by position ({@code hostbus}, {@code hostport}). QEMU accepts an ID match
 * for an absent device silently (it waits for one to appear), so presence is checked before start.
 *
 * @param id     device id
 * @param usbBus the xHCI bus, {@code usb.0}
 * @param device the host device
 */
public record UsbHost(String id, String usbBus, UsbDeviceRef device) implements QemuDevice {
    /** Checks the id. */
    public UsbHost {
        QemuDevice.checkId(id);
        Objects.requireNonNull(usbBus);
        Objects.requireNonNull(device);
    }

    @Override
    public String driver() {
        return "usb-host";
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", id);
        p.put("bus", usbBus);
        if (device instanceof UsbDeviceRef.ById byId) {
            p.put("vendorid", new QemuHex(byId.vendor(), 4));
            p.put("productid", new QemuHex(byId.product(), 4));
        } else if (device instanceof UsbDeviceRef.ByPort byPort) {
            p.put("hostbus", byPort.bus());
            p.put("hostport", byPort.port());
        }
        return p;
    }
}
