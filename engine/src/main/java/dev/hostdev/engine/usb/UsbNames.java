package dev.hostdev.engine.usb;

import dev.hostdev.engine.pci.IdNames;
import dev.hostdev.engine.pci.IdsFile;
import dev.hostdev.engine.sysfs.HostRoot;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Vendor and product names for USB devices from the system's {@code usb.ids}, as lsusb shows them. */
public final class UsbNames {
    private final IdNames names;

    private UsbNames(IdNames names) {
        this.names = names;
    }

    /** Looks up the names {@code devices} need (none if usb.ids is absent). */
    public static UsbNames lookup(HostRoot root, Collection<UsbDevice> devices) {
        Optional<java.nio.file.Path> file = IdsFile.locate(root, "usb.ids");
        if (file.isEmpty() || devices.isEmpty()) {
            return new UsbNames(IdNames.NONE);
        }
        Set<Integer> vendors = new HashSet<>();
        Set<Integer> products = new HashSet<>();
        for (UsbDevice d : devices) {
            vendors.add(d.id().vendor());
            products.add(d.id().vendor() << 16 | d.id().product());
        }
        return new UsbNames(IdsFile.lookup(file.get(), vendors, products, Set.of(), Set.of()));
    }

    /** The vendor's name from usb.ids, if known. */
    public Optional<String> vendor(UsbId id) {
        return names.vendor(id.vendor());
    }

    /** The product's name from usb.ids, if known. */
    public Optional<String> product(UsbId id) {
        return names.device(id.vendor(), id.product());
    }

    /**
     * As lsusb: the vendor and product names from usb.ids, falling back to the strings the device
     * itself reports.
     */
    public String label(UsbDevice d) {
        String vendor = vendor(d.id()).or(d::manufacturer).orElse("");
        String product = product(d.id()).or(d::product).orElse("");
        return (vendor + " " + product).trim();
    }
}
