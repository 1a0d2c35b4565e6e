package dev.hostdev.engine.bind;

import java.util.Objects;

/**
 * The VFIO driver a device goes to on detach, and why: what {@code --dry-run} prints and the journal keeps.
 *
 * @param driver the driver's name as {@code /sys/bus/pci/drivers} lists it, e.g. {@code vfio-pci} or {@code mlx5_vfio_pci}
 * @param reason in words, e.g. {@code modules.alias: alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci (2 wildcards, the most specific of 2 matches)}
 */
public record DriverChoice(String driver, String reason) {
    /** Rejects nulls. */
    public DriverChoice {
        Objects.requireNonNull(driver);
        Objects.requireNonNull(reason);
    }

    /** {@code driver vfio-pci (reason)}. */
    public String describe() {
        return "driver " + driver + " (" + reason + ")";
    }
}
