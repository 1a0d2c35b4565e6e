package dev.hostdev.engine.usb;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/** The USB devices under {@code /sys/bus/usb/devices} (interfaces such as {@code 1-2:1.0} left out). */
public final class UsbInventory {
    private final Sysfs sysfs;

    /** @param sysfs the sysfs to read */
    public UsbInventory(Sysfs sysfs) {
        this.sysfs = Objects.requireNonNull(sysfs);
    }

    /** Every device, root hubs included, ordered by bus and device number (as lsusb). */
    public List<UsbDevice> all() {
        List<UsbDevice> out = new ArrayList<>();
        for (String name : sysfs.list("bus/usb/devices")) {
            if (name.indexOf(':') >= 0) {
                continue;
            }
            read(name).ifPresent(out::add);
        }
        out.sort(Comparator.comparingInt(UsbDevice::bus).thenComparingInt(UsbDevice::devnum));
        return out;
    }

    /**
     * The device plugged at {@code address}.
     *
     * @throws HostdevException (not_found) naming it
     */
    public UsbDevice find(UsbAddress address) {
        return read(address.toString()).orElseThrow(() -> HostdevException.notFound(
                "no USB device at bus-port " + address + " on this host",
                "run 'hostdev list --usb' to see the USB devices"));
    }

    /**
     * The root hub of {@code bus} ({@code usbN}).
     *
     * @throws HostdevException (not_found) naming it
     */
    public UsbDevice rootHub(int bus) {
        return read("usb" + bus).filter(UsbDevice::isRootHub).orElseThrow(() -> HostdevException.notFound(
                "no USB bus " + bus + " (root hub usb" + bus + ") on this host",
                "run 'hostdev list --usb' to see the USB devices"));
    }

    /**
     * The one device with {@code id} that can be given to a VM (root hubs left out).
     *
     * @throws HostdevException (not_found) if none, (usage) if several match, naming their bus-ports
     */
    public UsbDevice find(UsbId id) {
        return find(id, false);
    }

    /**
     * The one device with {@code id}, root hubs included when {@code withRootHubs} (for showing one).
     *
     * @throws HostdevException (not_found) if none, (usage) if several match, naming them
     */
    public UsbDevice find(UsbId id, boolean withRootHubs) {
        List<UsbDevice> matches = all().stream().filter(d -> d.id().equals(id) && (withRootHubs || !d.isRootHub()))
                .toList();
        if (matches.isEmpty()) {
            throw HostdevException.notFound("no USB device " + id + " on this host",
                    "run 'hostdev list --usb' to see the USB devices");
        }
        if (matches.size() > 1) {
            throw HostdevException.usage(matches.size() + " USB devices are " + id + ": "
                            + matches.stream().map(UsbDevice::name).collect(Collectors.joining(", ")),
                    "name one by its " + (matches.get(0).isRootHub() ? "name" : "bus-port") + ", e.g. "
                            + matches.get(0).name());
        }
        return matches.get(0);
    }

    private Optional<UsbDevice> read(String name) {
        String dir = "bus/usb/devices/" + name + "/";
        OptionalInt bus = decimal(dir + "busnum");
        OptionalInt devnum = decimal(dir + "devnum");
        OptionalInt vendor = hex(dir + "idVendor");
        OptionalInt product = hex(dir + "idProduct");
        Optional<String> real = sysfs.canonical("bus/usb/devices/" + name);
        if (bus.isEmpty() || devnum.isEmpty() || vendor.isEmpty() || product.isEmpty() || real.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new UsbDevice(name, Optional.ofNullable(UsbAddress.tryParse(name)), bus.getAsInt(),
                devnum.getAsInt(), new UsbId(vendor.getAsInt(), product.getAsInt()), hex(dir + "bDeviceClass").orElse(0),
                text(dir + "manufacturer"), text(dir + "product"), text(dir + "serial"), text(dir + "speed"),
                real.get()));
    }

    private Optional<String> text(String attribute) {
        return sysfs.read(attribute).filter(s -> !s.isEmpty());
    }

    private OptionalInt decimal(String attribute) {
        try {
            return sysfs.read(attribute).map(s -> OptionalInt.of(Integer.parseInt(s))).orElse(OptionalInt.empty());
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private OptionalInt hex(String attribute) {
        try {
            return sysfs.read(attribute).map(s -> OptionalInt.of(Integer.parseInt(s, 16))).orElse(OptionalInt.empty());
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
