package dev.hostdev.engine.state;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Objects;

/**
 * What Hostdev remembers about a device it detached, in {@code /run/hostdev/devices/<address>.json}:
 * enough to give it back to the driver it had, and for {@code hostdev show} to say who took it.
 *
 * @param address                  the device, {@code 0000:01:00.0}
 * @param originalDriver           the host driver it was bound to, or {@code null} if none
 * @param originalDriverOverride   its {@code driver_override} before, or {@code null} if it read (null)
 * @param driver                   the driver Hostdev gave it to, e.g. {@code vfio-pci}
 * @param detachedAt               when, ISO-8601 UTC
 * @param detachedByPid            the process that detached it
 * @param detachedBy               who asked, e.g. {@code hostdev detach} or {@code vm web1}
 */
public record DeviceRecord(String address, String originalDriver, String originalDriverOverride, String driver,
                           String detachedAt, long detachedByPid, String detachedBy) {
    /** Checks the address parses and the target driver is named. */
    public DeviceRecord {
        PciAddress.parse(Objects.requireNonNull(address, "address"));
        Objects.requireNonNull(driver, "driver");
    }

    /** The device's address as a value. */
    public PciAddress pciAddress() {
        return PciAddress.parse(address);
    }
}
