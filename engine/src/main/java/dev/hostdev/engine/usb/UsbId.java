package dev.hostdev.engine.usb;

import dev.hostdev.engine.HostdevException;
import java.util.regex.Pattern;

/**
 * A USB vendor and product ID pair, spelt {@code 046d:c52b} as lsusb prints it.
 *
 * @param vendor  16-bit idVendor
 * @param product 16-bit idProduct
 */
public record UsbId(int vendor, int product) {
    private static final Pattern SPELLING = Pattern.compile("[0-9a-fA-F]{4}:[0-9a-fA-F]{4}");

    /** Checks the ranges. */
    public UsbId {
        if ((vendor & ~0xffff) != 0 || (product & ~0xffff) != 0) {
            throw HostdevException.usage("USB IDs out of range: " + vendor + ":" + product,
                    "a USB vendor:product looks like 046d:c52b");
        }
    }

    /** Parses {@code vvvv:pppp}, or returns {@code null}. */
    public static UsbId tryParse(String text) {
        if (text == null || !SPELLING.matcher(text).matches()) {
            return null;
        }
        return new UsbId(Integer.parseInt(text.substring(0, 4), 16), Integer.parseInt(text.substring(5), 16));
    }

    @Override
    public String toString() {
        return String.format("%04x:%04x", vendor, product);
    }
}
