package dev.hostdev.engine.usb;

import java.util.Objects;
import java.util.Optional;

/**
 * One USB device as sysfs shows it under {@code /sys/bus/usb/devices}.
 *
 * @param name         the sysfs name: {@code 1-2.3}, or {@code usb1} for a root hub
 * @param port         the bus-port address; empty for a root hub
 * @param bus          {@code busnum}
 * @param devnum       {@code devnum}, the address on the bus (QEMU's {@code hostaddr})
 * @param id           idVendor:idProduct
 * @param deviceClass  bDeviceClass (0x09 for a hub)
 * @param manufacturer the manufacturer string, if the device gives one
 * @param product      the product string, if the device gives one
 * @param serial       the serial number string, if any
 * @param speed        the speed in Mbit/s as the kernel writes it ({@code 480}), if known
 * @param sysfsPath    the real directory relative to {@code /sys}
 */
public record UsbDevice(String name, Optional<UsbAddress> port, int bus, int devnum, UsbId id, int deviceClass,
        Optional<String> manufacturer, Optional<String> product, Optional<String> serial, Optional<String> speed,
        String sysfsPath) {
    /** Hub class code. */
    public static final int CLASS_HUB = 0x09;

    /** Requires the non-optional parts. */
    public UsbDevice {
        Objects.requireNonNull(name);
        Objects.requireNonNull(port);
        Objects.requireNonNull(id);
        Objects.requireNonNull(manufacturer);
        Objects.requireNonNull(product);
        Objects.requireNonNull(serial);
        Objects.requireNonNull(speed);
        Objects.requireNonNull(sysfsPath);
    }

    /** A bus's root hub ({@code usbN}): part of the host controller, not something to give a VM. */
    public boolean isRootHub() {
        return port.isEmpty();
    }

    /** A hub (root or external). */
    public boolean isHub() {
        return deviceClass == CLASS_HUB;
    }
}
