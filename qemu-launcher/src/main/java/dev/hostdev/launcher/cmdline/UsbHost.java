package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.pci.DeviceRef;
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
public record UsbHost(String id, String usbBus, DeviceRef device) implements QemuDevice {
    /** Checks the id. */
    public UsbHost {
        QemuDevice.checkId(id);
        Objects.requireNonNull(usbBus);
        if (Objects.requireNonNull(device) instanceof DeviceRef.Pci) {
            throw new IllegalArgumentException("usb-host " + id + " needs a USB device, not PCI " + device);
        }
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
        if (device instanceof DeviceRef.Usb byId) {
            p.put("vendorid", new QemuHex(byId.id().vendor(), 4));
            p.put("productid", new QemuHex(byId.id().product(), 4));
        } else if (device instanceof DeviceRef.UsbPort byPort) {
            p.put("hostbus", byPort.address().bus());
            p.put("hostport", byPort.address().portPath());
        }
        return p;
    }
}
