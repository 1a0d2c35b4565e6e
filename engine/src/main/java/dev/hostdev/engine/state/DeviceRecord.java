package dev.hostdev.engine.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

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
 * @param serials                  the serial numbers sysfs showed before the detach: an NVMe controller's serial is
 *                                 shown only while the nvme driver has it, and {@code serial:} selectors still find
 *                                 the device on vfio-pci through this (empty in records written before)
 */
public record DeviceRecord(String address, String originalDriver, String originalDriverOverride, String driver,
                           String detachedAt, long detachedByPid, String detachedBy, List<String> serials) {
    /** Checks the address parses and the target driver is named. */
    @JsonCreator
    public DeviceRecord(@JsonProperty("address") String address, @JsonProperty("original_driver") String originalDriver,
            @JsonProperty("original_driver_override") String originalDriverOverride, @JsonProperty("driver") String driver,
            @JsonProperty("detached_at") String detachedAt, @JsonProperty("detached_by_pid") long detachedByPid,
            @JsonProperty("detached_by") String detachedBy, @JsonProperty("serials") List<String> serials) {
        PciAddress.parse(Objects.requireNonNull(address, "address"));
        Objects.requireNonNull(driver, "driver");
        this.address = address;
        this.originalDriver = originalDriver;
        this.originalDriverOverride = originalDriverOverride;
        this.driver = driver;
        this.detachedAt = detachedAt;
        this.detachedByPid = detachedByPid;
        this.detachedBy = detachedBy;
        this.serials = serials == null ? List.of() : List.copyOf(serials);
    }

    /** A record without serial numbers. */
    public DeviceRecord(String address, String originalDriver, String originalDriverOverride, String driver,
                        String detachedAt, long detachedByPid, String detachedBy) {
        this(address, originalDriver, originalDriverOverride, driver, detachedAt, detachedByPid, detachedBy, List.of());
    }

    /** The device's address as a value. */
    public PciAddress pciAddress() {
        return PciAddress.parse(address);
    }
}
