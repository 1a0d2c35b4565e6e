package dev.hostdev.engine.usb;

import dev.hostdev.engine.pci.PciAddress;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * libvirt's node device names of USB devices, printed by {@code hostdev show} and accepted wherever a
 * USB device is named. libvirt's udev backend names a device {@code usb_} followed by its sysfs name
 * with every character that is not a letter or digit made {@code _} (node_device_udev.c,
 * udevGenerateDeviceName): {@code usb_1_5_3} for 1-5.3, {@code usb_usb1} for bus 1's root hub.
 */
public final class UsbNodedevName {
    private static final Pattern ROOT_HUB = Pattern.compile("(?:usb_)?usb([1-9][0-9]{0,2})");

    private UsbNodedevName() {
    }

    /** {@code usb_1_5_3}, or {@code usb_usb1} for a root hub. */
    public static String of(UsbDevice d) {
        return of(d.name());
    }

    /** The name libvirt gives the USB device whose sysfs name is {@code sysfsName}. */
    public static String of(String sysfsName) {
        StringBuilder s = new StringBuilder("usb_");
        sysfsName.chars().forEach(c -> s.append(isAsciiLetterOrDigit(c) ? (char) c : '_'));
        return s.toString();
    }

    /**
     * The parent's name, as libvirt's XML gives it: the hub above, the root hub for a device on a root
     * port, and for a root hub its host controller ({@code pci_0000_00_14_0}), or {@code computer}
     * when the controller is not a PCI device.
     */
    public static String parentOf(UsbDevice d) {
        if (d.port().isEmpty()) {
            String[] names = d.sysfsPath().split("/");
            String up = names.length > 1 ? names[names.length - 2] : "";
            PciAddress pci = PciAddress.tryParse(up);
            return pci != null ? pci.nodedevName() : "computer";
        }
        UsbAddress a = d.port().get();
        if (a.ports().size() == 1) {
            return "usb_usb" + a.bus();
        }
        return of(new UsbAddress(a.bus(), a.ports().subList(0, a.ports().size() - 1)).toString());
    }

    /**
     * The bus whose root hub {@code text} names: {@code usb1} (the kernel's name) or {@code usb_usb1}
     * (libvirt's); empty for anything else.
     */
    public static OptionalInt tryParseRootHub(String text) {
        if (text == null) {
            return OptionalInt.empty();
        }
        Matcher m = ROOT_HUB.matcher(text);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    private static boolean isAsciiLetterOrDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
