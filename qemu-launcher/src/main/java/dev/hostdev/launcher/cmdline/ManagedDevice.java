package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Objects;

/**
 * A PCI host device Hostdev detaches from its host driver before QEMU starts and gives back when
 * the VM ends ({@code managed = true}).
 *
 * @param hostdevId its device id in the VM
 * @param address   the host device
 */
public record ManagedDevice(String hostdevId, PciAddress address) {
    /** Requires both. */
    public ManagedDevice {
        Objects.requireNonNull(hostdevId);
        Objects.requireNonNull(address);
    }
}
