package dev.hostdev.launcher.host;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.DeviceSerials;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.state.DeviceRecord;
import dev.hostdev.engine.state.DeviceRecords;
import dev.hostdev.engine.state.StateDirectory;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.pci.PciSelector;
import dev.hostdev.engine.pci.PciSelectorResolver;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.spec.HostConfig;
import java.util.List;
import java.util.Optional;

/**
 * Finds the device a host configuration entry names on this boot, and checks its {@code expect}: every error
 * keeps its code and names the entry's {@code FILE:LINE}. Reads sysfs once per instance: make a new one after
 * the host changed (VFs created).
 */
public final class ConfigDevices {
    private final Sysfs sysfs;
    private final PciSelectorResolver resolver;
    private final PciInventory inventory;

    /** Devices under {@code sysfs}. */
    public ConfigDevices(Sysfs sysfs) {
        this.sysfs = sysfs;
        this.resolver = new PciSelectorResolver(sysfs);
        this.inventory = new PciInventory(sysfs);
    }

    /**
     * A device Hostdev detached whose record kept a serial number it no longer shows (an NVMe controller's serial
     * is in sysfs only while nvme has it) and that is still on the driver Hostdev gave it.
     */
    private Optional<PciAddress> detachedWithSerial(PciSelector.Serial serial) {
        List<PciAddress> found = new java.util.ArrayList<>();
        for (DeviceRecord r : new DeviceRecords(new StateDirectory(sysfs.root())).all()) {
            if (r.serials().stream().anyMatch(s -> DeviceSerials.same(s, serial.value()))
                    && inventory.get(r.pciAddress()).flatMap(PciDevice::driver).equals(Optional.of(r.driver()))) {
                found.add(r.pciAddress());
            }
        }
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    /**
     * The device's address on this boot.
     *
     * @throws HostdevException not_found (nothing there), usage (ambiguous selector), state (another device than
     *                          {@code expect} says), each naming the entry
     */
    public PciAddress resolve(HostConfig.DeviceName name) {
        PciAddress address;
        try {
            address = name.pci().isPresent() ? name.pci().get() : resolver.resolve(name.selector().get());
        } catch (HostdevException e) {
            Optional<PciAddress> recorded = e.code() == ErrorCode.NOT_FOUND && name.selector().orElse(null) instanceof PciSelector.Serial s
                    ? detachedWithSerial(s) : Optional.empty();
            if (recorded.isPresent()) {
                return checked(name, recorded.get());
            }
            throw new HostdevException(e.code(), name.where() + ": " + e.getMessage(), e.hint(), e);
        }
        return checked(name, address);
    }

    private PciAddress checked(HostConfig.DeviceName name, PciAddress address) {
        Optional<PciDevice> d = inventory.get(address);
        if (d.isEmpty()) {
            throw HostdevException.notFound(name.where() + ": no PCI device " + address,
                    "check the address with 'hostdev list', or name the device by a selector that survives renumbering "
                            + "('hostdev show DEV' prints them)");
        }
        if (name.expect().isPresent()) {
            PciDevice p = d.get();
            if (!name.expect().get().matches(p.vendorId(), p.deviceId(), p.subsystemVendorId(), p.subsystemDeviceId())) {
                throw new HostdevException(ErrorCode.STATE, name.where() + ": " + name.spelling()
                        + (name.pci().isPresent() ? " is a " : " is " + address + ", a ")
                        + String.format("%04x:%04x", p.vendorId(), p.deviceId()) + ", not the " + name.expect().get()
                        + " the entry expects: not the same device", "find the device you mean with 'hostdev list' and "
                        + "name it by a selector that survives renumbering ('hostdev show DEV' prints them)");
            }
        }
        return address;
    }

    /** The device, if present. */
    public Optional<PciDevice> device(PciAddress address) {
        return inventory.get(address);
    }

    /**
     * The most stable name of a device on this host, for {@code detach --persistent}: its serial number, else its
     * topology path, else its physical slot, else {@code vendor_device} with its rank, each only if it names the
     * device alone; the plain address when none does. {@code expect} pins its IDs on top.
     */
    public HostConfig.DeviceName stableName(PciAddress address, String where) {
        PciSelectorResolver.Report report = resolver.report(address);
        List<String> order = List.of("serial:", "path:", "slot:", "id:");
        Optional<PciDevice> d = inventory.get(address);
        Optional<dev.hostdev.launcher.spec.DeviceIdentity> expect = d.map(p -> dev.hostdev.launcher.spec.DeviceIdentity.parse(
                String.format("%04x:%04x", p.vendorId(), p.deviceId())));
        for (String prefix : order) {
            for (String s : report.selectors()) {
                if (s.startsWith(prefix)) {
                    PciSelector selector = PciSelector.parse(s);
                    return new HostConfig.DeviceName(Optional.empty(), Optional.of(selector), expect, where);
                }
            }
        }
        return new HostConfig.DeviceName(Optional.of(address), Optional.empty(), expect, where);
    }
}
