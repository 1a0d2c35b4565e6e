package dev.hostdev.engine.pci;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.usb.UsbAddress;
import dev.hostdev.engine.usb.UsbId;
import dev.hostdev.engine.usb.UsbNodedevName;
import java.util.OptionalInt;

/**
 * A device as a user names it on the command line: a PCI address in any spelling ({@code 03:07.0},
 * {@code 0000:03:07.0}, {@code pci_0000_03_07_0}), a USB bus-port ({@code 1-2}, {@code 1-2.3}, {@code usb_1_2_3}) or a USB
 * vendor:product ({@code 046d:c52b}). Parsing accepts nothing else, so no text a user types can
 * become a path outside the sysfs tree.
 */
public sealed interface DeviceRef {
    /** What the parser accepts, for error hints. */
    String SPELLINGS = "a PCI address (03:07.0, 0000:03:07.0, pci_0000_03_07_0), a USB bus-port (1-2, 1-2.3, "
            + "usb_1_2_3) or a USB vendor:product (046d:c52b)";

    /** A PCI function. */
    record Pci(PciAddress address) implements DeviceRef {
        @Override
        public String toString() {
            return address.toString();
        }
    }

    /** A USB device by where it is plugged. */
    record UsbPort(UsbAddress address) implements DeviceRef {
        @Override
        public String toString() {
            return address.toString();
        }
    }

    /** A USB device by its IDs. */
    record Usb(UsbId id) implements DeviceRef {
        @Override
        public String toString() {
            return id.toString();
        }
    }

    /**
     * Parses a device name.
     *
     * @throws HostdevException (usage) naming what was given and what is accepted
     */
    static DeviceRef parse(String text) {
        if (text != null && text.length() <= 64 && text.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                && text.indexOf('/') < 0) {
            PciAddress pci = PciAddress.tryParse(text);
            if (pci != null) {
                return new Pci(pci);
            }
            UsbAddress port = UsbAddress.tryParse(text);
            if (port != null) {
                return new UsbPort(port);
            }
            UsbId id = UsbId.tryParse(text);
            if (id != null) {
                return new Usb(id);
            }
            OptionalInt rootHub = UsbNodedevName.tryParseRootHub(text);
            if (rootHub.isPresent()) {
                throw HostdevException.usage("'" + text + "' is the root hub of USB bus " + rootHub.getAsInt()
                                + ": it is part of its host controller and cannot be given on its own",
                        "name a device plugged into it ('hostdev list --usb'), or the controller by its PCI address");
            }
        }
        throw HostdevException.usage("not a device: '" + printable(text) + "'", "name it as " + SPELLINGS);
    }

    private static String printable(String s) {
        return dev.hostdev.engine.Printable.of(s);
    }
}
