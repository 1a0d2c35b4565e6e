package dev.hostdev.launcher.cli;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.usb.UsbDevice;

/**
 * {@code hostdev show --hostdev-xml}: the {@code <hostdev>} element a libvirt user pastes into a
 * domain's {@code <devices>} to give it the device (https://libvirt.org/formatdomain.html#host-device-assignment).
 */
final class ShowHostdevXml {
    private ShowHostdevXml() {
    }

    /** {@code <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain=… bus=… slot=… function=…/></source></hostdev>}. */
    static String pci(PciAddress a) {
        return new ShowXmlWriter().open("hostdev", "mode", "subsystem", "type", "pci", "managed", "yes")
                .open("source").empty("address", ShowNodedevXml.address(a)).close().close().finish();
    }

    /**
     * The USB form, matching the device by vendor and product; {@code pinToAddress} adds its current bus
     * and device number (for a device named by bus-port, where two alike may be plugged in).
     */
    static String usb(UsbDevice d, boolean pinToAddress) {
        ShowXmlWriter x = new ShowXmlWriter().open("hostdev", "mode", "subsystem", "type", "usb", "managed", "yes")
                .open("source")
                .empty("vendor", "id", String.format("0x%04x", d.id().vendor()))
                .empty("product", "id", String.format("0x%04x", d.id().product()));
        if (pinToAddress) {
            x.empty("address", "bus", Integer.toString(d.bus()), "device", Integer.toString(d.devnum()));
        }
        return x.close().close().finish();
    }
}
