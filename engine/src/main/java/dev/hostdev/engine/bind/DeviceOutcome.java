package dev.hostdev.engine.bind;

import dev.hostdev.engine.pci.PciAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result for one device.
 *
 * @param device      the device
 * @param outcome     what happened
 * @param before      its driver and override before
 * @param after       its driver and override after (the planned ones under --dry-run)
 * @param writes      the sysfs writes made (or, under --dry-run, that would be made), in order
 * @param vfioNode    {@code /dev/vfio/N} when the device ended on vfio-pci
 * @param warnings    things the user should know (a reset the kernel refused, …)
 * @param driverChoice for a detach: the VFIO driver chosen for the device and why
 */
public record DeviceOutcome(PciAddress device, Outcome outcome, BindingState before, BindingState after,
                            List<SysfsWrite> writes, Optional<String> vfioNode, List<String> warnings,
                            Optional<DriverChoice> driverChoice) {
    /** Copies lists and rejects nulls. */
    public DeviceOutcome {
        Objects.requireNonNull(device);
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(before);
        Objects.requireNonNull(after);
        writes = List.copyOf(writes);
        vfioNode = vfioNode == null ? Optional.empty() : vfioNode;
        warnings = List.copyOf(warnings);
        driverChoice = driverChoice == null ? Optional.empty() : driverChoice;
    }

    /** An outcome with no driver choice (reattach, recover). */
    public DeviceOutcome(PciAddress device, Outcome outcome, BindingState before, BindingState after,
                         List<SysfsWrite> writes, Optional<String> vfioNode, List<String> warnings) {
        this(device, outcome, before, after, writes, vfioNode, warnings, Optional.empty());
    }
}
