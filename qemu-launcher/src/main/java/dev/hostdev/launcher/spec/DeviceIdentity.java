package dev.hostdev.launcher.spec;

import dev.hostdev.engine.HostdevException;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IDs a hostdev expects to find at its address ({@code expect = "8086:1572"} or with the
 * subsystem, {@code "8086:1572:8086:0008"}): a PCI address can name another device after a
 * hardware or firmware change, and the VM must then refuse to start rather than take it.
 *
 * @param vendor          vendor ID
 * @param device          device ID
 * @param subsystemVendor subsystem vendor ID, if pinned
 * @param subsystemDevice subsystem device ID, if pinned
 */
public record DeviceIdentity(int vendor, int device, OptionalInt subsystemVendor, OptionalInt subsystemDevice) {
    private static final Pattern FORM = Pattern.compile(
            "([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(?::([0-9a-fA-F]{4}):([0-9a-fA-F]{4}))?");

    /** Checks ranges and that the subsystem is pinned whole or not at all. */
    public DeviceIdentity {
        if (subsystemVendor.isPresent() != subsystemDevice.isPresent()) {
            throw new IllegalArgumentException("subsystem vendor and device go together");
        }
    }

    /** Parses {@code vvvv:dddd} or {@code vvvv:dddd:ssvv:ssdd}. */
    public static DeviceIdentity parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw HostdevException.usage("not a device identity: '" + text + "'",
                    "write vendor:device as lspci -nn shows it, e.g. 8086:1572, optionally with the subsystem: 8086:1572:8086:0008");
        }
        OptionalInt sv = m.group(3) == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(m.group(3), 16));
        OptionalInt sd = m.group(4) == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(m.group(4), 16));
        return new DeviceIdentity(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16), sv, sd);
    }

    /** Whether a device with these IDs matches (the subsystem only when pinned). */
    public boolean matches(int vendor, int device, int subsystemVendor, int subsystemDevice) {
        return this.vendor == vendor && this.device == device
                && (this.subsystemVendor.isEmpty() || this.subsystemVendor.getAsInt() == subsystemVendor)
                && (this.subsystemDevice.isEmpty() || this.subsystemDevice.getAsInt() == subsystemDevice);
    }

    /** The spelling it was written in. */
    @Override
    public String toString() {
        String s = String.format("%04x:%04x", vendor, device);
        if (subsystemVendor.isPresent()) {
            s += String.format(":%04x:%04x", subsystemVendor.getAsInt(), subsystemDevice.getAsInt());
        }
        return s;
    }
}
