package dev.hostdev.launcher.spec;

import dev.hostdev.engine.HostdevException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a spec names a host USB device: by vendor and product ID ({@code 046d:c52b}, follows the
 * device to any port) or by bus and port path ({@code 1-2.3}, as in sysfs: whatever is plugged
 * there). The device number lsusb shows ({@code 003:005}) changes at every plug, so it is refused.
 */
public sealed interface UsbDeviceRef {
    /**
     * By USB IDs.
     *
     * @param vendor  0 to 0xffff
     * @param product 0 to 0xffff
     */
    record ById(int vendor, int product) implements UsbDeviceRef {
        /** Checks ranges. */
        public ById {
            if (vendor < 0 || vendor > 0xffff || product < 0 || product > 0xffff) {
                throw new IllegalArgumentException("USB IDs are 16-bit");
            }
        }

        @Override
        public String toString() {
            return String.format("%04x:%04x", vendor, product);
        }
    }

    /**
     * By position.
     *
     * @param bus  the root hub's bus number, 1 to 255
     * @param port the port path below it, e.g. {@code 2} or {@code 2.3}
     */
    record ByPort(int bus, String port) implements UsbDeviceRef {
        private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,2}(\\.[1-9][0-9]{0,2}){0,6}");

        /** Checks the bus range and port path. */
        public ByPort {
            if (bus < 1 || bus > 255 || !PORT.matcher(port).matches()) {
                throw new IllegalArgumentException("bad USB bus-port " + bus + "-" + port);
            }
        }

        /** The sysfs name, e.g. {@code 1-2.3}. */
        @Override
        public String toString() {
            return bus + "-" + port;
        }
    }

    /** Parses {@code vvvv:pppp} or {@code BUS-PORT[.PORT…]}. */
    static UsbDeviceRef parse(String text) {
        String t = text.strip();
        Matcher id = Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{4})").matcher(t);
        if (id.matches()) {
            return new ById(Integer.parseInt(id.group(1), 16), Integer.parseInt(id.group(2), 16));
        }
        Matcher port = Pattern.compile("([0-9]{1,3})-([0-9.]+)").matcher(t);
        if (port.matches()) {
            try {
                return new ByPort(Integer.parseInt(port.group(1)), port.group(2));
            } catch (IllegalArgumentException e) {
                // fall through to the general message
            }
        }
        String hint = "write vendor:product as lsusb shows it (046d:c52b) or bus-port as in /sys/bus/usb/devices (1-2 or 1-2.3)";
        if (t.matches("[0-9]{3}:[0-9]{3}")) {
            hint = "'" + t + "' looks like lsusb's bus:device number, which changes at every plug; " + hint;
        }
        throw HostdevException.usage("not a USB device: '" + t + "'", hint);
    }
}
