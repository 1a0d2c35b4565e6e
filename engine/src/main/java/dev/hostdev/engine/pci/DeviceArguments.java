package dev.hostdev.engine.pci;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbInventory;
import java.util.ArrayList;
import java.util.List;

/**
 * A device named on the command line, resolved on this host: an address or USB name as {@link DeviceRef}
 * parses it, or a {@link PciSelector} ({@code path:}, {@code serial:}, {@code slot:}, {@code id:}) turned into
 * the one device it names. A {@code serial:} also finds a USB device by its {@code serial}.
 */
public final class DeviceArguments {
    /** Every spelling accepted, for help texts and hints. */
    public static final String SPELLINGS = DeviceRef.SPELLINGS + ", or a selector that survives renumbering: "
            + PciSelector.SPELLINGS;

    private DeviceArguments() {
    }

    /**
     * Parses and, for a selector, resolves a device argument.
     *
     * @return a {@link DeviceRef.Pci} for a PCI device, a USB reference otherwise
     * @throws HostdevException usage for a bad spelling or an ambiguous selector, not_found when nothing matches
     */
    public static DeviceRef resolve(String text, Sysfs sysfs) {
        if (!PciSelector.isSelector(text)) {
            try {
                return DeviceRef.parse(text);
            } catch (HostdevException e) {
                throw HostdevException.usage(e.getMessage(), "name it as " + SPELLINGS);
            }
        }
        PciSelector selector = PciSelector.parse(text);
        PciSelectorResolver resolver = new PciSelectorResolver(sysfs);
        if (selector instanceof PciSelector.Serial serial) {
            List<UsbDevice> usb = new ArrayList<>();
            for (UsbDevice d : new UsbInventory(sysfs).all()) {
                if (d.port().isPresent() && d.serial().isPresent() && d.serial().get().strip().equals(serial.value())) {
                    usb.add(d);
                }
            }
            List<PciAddress> pci = resolver.matches(selector);
            if (!usb.isEmpty() && pci.isEmpty() && usb.size() == 1) {
                return new DeviceRef.UsbPort(usb.get(0).port().get());
            }
            if (!usb.isEmpty()) {
                List<String> names = new ArrayList<>(pci.stream().map(PciAddress::toString).toList());
                usb.forEach(d -> names.add("USB " + d.port().get()));
                throw new HostdevException(ErrorCode.USAGE, selector.spelling() + " matches " + names.size()
                        + " devices: " + String.join(", ", names), "name the device by its path: or its address");
            }
        }
        return new DeviceRef.Pci(resolver.resolve(selector));
    }
}
