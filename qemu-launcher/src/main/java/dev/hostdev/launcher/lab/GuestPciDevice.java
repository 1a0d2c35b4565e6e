package dev.hostdev.launcher.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI device as the lab guest's {@code lspci -Dn} lists it: the reference that Hostdev's own
 * listing is compared against.
 *
 * @param address  full address, e.g. {@code 0000:01:00.0}
 * @param classId  class code, e.g. {@code 0200}
 * @param id       vendor:device, e.g. {@code 8086:10d3}
 */
public record GuestPciDevice(String address, String classId, String id) {
    private static final Pattern LINE = Pattern.compile(
            "^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7])\\s+([0-9a-f]{4}):\\s+([0-9a-f]{4}:[0-9a-f]{4}).*$");

    /** Parses the output of {@code lspci -Dn}; lines that do not match are ignored. */
    public static List<GuestPciDevice> parseLspci(String lspciDn) {
        List<GuestPciDevice> devices = new ArrayList<>();
        for (String line : lspciDn.split("\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (m.matches()) {
                devices.add(new GuestPciDevice(m.group(1), m.group(2), m.group(3)));
            }
        }
        return devices;
    }

    /** The devices with the given vendor:device, in address order. */
    public static List<GuestPciDevice> withId(List<GuestPciDevice> devices, String id) {
        return devices.stream().filter(d -> d.id().equals(id)).sorted(java.util.Comparator.comparing(GuestPciDevice::address)).toList();
    }

    /** The short {@code BB:SS.F} form, for Hostdev's arguments. */
    public String shortAddress() {
        return address.substring(5);
    }
}
