package dev.hostdev.launcher.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A device in a running VM as {@code state.json} records it.
 *
 * @param id         its QEMU device id
 * @param driver     its QEMU device name, e.g. {@code vfio-pci}, {@code e1000e}
 * @param bus        what it plugs into: a root port ({@code pci.4}), the pcie-pci-bridge, or the USB bus
 * @param addr       its address on that bus ({@code 0x0}), or {@code null} on USB
 * @param rootPort   the root port it sits on (behind the bridge: the bridge's root port), or {@code null} on USB
 * @param host       the host device given to it (PCI address or USB reference), or {@code null} if emulated
 * @param managed    whether Hostdev detached the host device for it and gives it back
 * @param hotplugged whether it was added to the running VM (rather than on the command line)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record VmDevice(String id, String driver, String bus, String addr, String rootPort, String host, boolean managed,
                       boolean hotplugged) {
    /** Requires id, driver and bus. */
    public VmDevice {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(bus, "bus");
    }
}
