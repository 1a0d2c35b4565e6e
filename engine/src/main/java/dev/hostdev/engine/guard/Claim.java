package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Objects;

/**
 * Someone holds a device: a running QEMU, a libvirt domain, or one of Hostdev's own VMs.
 *
 * @param device the device
 * @param holder who, e.g. {@code QEMU pid 4242 (qemu-system-x86_64, VM web1)} or {@code libvirt domain web1}
 * @param fix    how to free it, e.g. {@code hostdev unplug web1 hp1}, or {@code null} when there is nothing specific to say
 */
public record Claim(PciAddress device, String holder, String fix) {
    /** Requires the device and the holder. */
    public Claim {
        Objects.requireNonNull(device);
        Objects.requireNonNull(holder);
    }

    /** A claim with no specific fix. */
    public Claim(PciAddress device, String holder) {
        this(device, holder, null);
    }

    /** e.g. {@code 0000:01:00.0 is in use by QEMU pid 4242 (…)}. */
    public String describe() {
        return device + " is in use by " + holder;
    }
}
