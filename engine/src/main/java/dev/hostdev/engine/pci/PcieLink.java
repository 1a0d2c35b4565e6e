package dev.hostdev.engine.pci;

import java.util.Objects;

/**
 * A PCI Express link as sysfs reports it.
 *
 * @param currentSpeed e.g. {@code 8.0 GT/s PCIe}
 * @param currentWidth lanes in use
 * @param maxSpeed     the fastest the device supports
 * @param maxWidth     the most lanes the device supports
 */
public record PcieLink(String currentSpeed, int currentWidth, String maxSpeed, int maxWidth) {
    /** Requires the speeds. */
    public PcieLink {
        Objects.requireNonNull(currentSpeed);
        Objects.requireNonNull(maxSpeed);
    }
}
