package dev.hostdev.engine.usb;

import dev.hostdev.engine.HostdevException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a USB device is plugged: its bus and the port path from the root hub, spelt {@code 1-2} or
 * {@code 1-2.3} (the kernel's name under {@code /sys/bus/usb/devices}; QEMU's
 * {@code hostbus=1,hostport=2.3}), or as libvirt names the node device, {@code usb_1_2_3}
 * ({@link UsbNodedevName}).
 *
 * @param bus   the bus number, 1 to 999
 * @param ports the port numbers from the root hub down, 1 to 7 of them, each 1 to 255
 */
public record UsbAddress(int bus, List<Integer> ports) {
    private static final Pattern SPELLING = Pattern.compile("[1-9][0-9]{0,2}-[1-9][0-9]{0,2}(\\.[1-9][0-9]{0,2}){0,6}");
    private static final Pattern NODEDEV = Pattern.compile("usb_([1-9][0-9]{0,2})_([1-9][0-9]{0,2}(_[1-9][0-9]{0,2}){0,6})");

    /** Checks the ranges. */
    public UsbAddress {
        ports = List.copyOf(ports);
        if (bus < 1 || bus > 999 || ports.isEmpty() || ports.size() > 7
                || ports.stream().anyMatch(p -> p < 1 || p > 255)) {
            throw HostdevException.usage("not a USB bus-port: bus " + bus + ", ports " + ports,
                    "a USB bus-port looks like 1-2 or 1-2.3");
        }
    }

    /** Parses {@code B-P[.P…]} or libvirt's {@code usb_B_P[_P…]}, or returns {@code null}. */
    public static UsbAddress tryParse(String text) {
        if (text == null) {
            return null;
        }
        java.util.regex.Matcher nodedev = NODEDEV.matcher(text);
        if (nodedev.matches()) {
            text = nodedev.group(1) + "-" + nodedev.group(2).replace('_', '.');
        }
        if (!SPELLING.matcher(text).matches()) {
            return null;
        }
        int dash = text.indexOf('-');
        List<Integer> ports = java.util.Arrays.stream(text.substring(dash + 1).split("\\."))
                .map(Integer::parseInt).toList();
        if (ports.stream().anyMatch(p -> p > 255)) {
            return null;
        }
        return new UsbAddress(Integer.parseInt(text.substring(0, dash)), ports);
    }

    /** The port path alone, {@code 2.3}: QEMU's {@code hostport}. */
    public String portPath() {
        return ports.stream().map(String::valueOf).collect(Collectors.joining("."));
    }

    /** {@code 1-2.3}: the sysfs name. */
    @Override
    public String toString() {
        return bus + "-" + portPath();
    }
}
